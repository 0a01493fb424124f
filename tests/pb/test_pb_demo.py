"""The demo council's PB rounds, loaded through the app's own rules: a finished youth round
(proposals, assessment with reasons, online and paper ballots, MES result) and an open one
whose printed demo codes vote."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import PBBallot, PBPaperEntry, PBRound


def test_demo_rounds_load_once_and_tell_their_story(app, make_user):
    from consult.demo import pb_loader

    make_user("officer")
    make_user("admin")
    with app.app_context():
        report = pb_loader.ensure_rounds()
        db.session.commit()
        again = pb_loader.ensure_rounds()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(PBRound)) == 2
        finished = db.session.scalar(select(PBRound).where(PBRound.status == "results"))
        result = finished.result
        titles = {p["id"]: p["name"] for p in result["projects"]}
        funded = {titles[pid] for pid in result["selected"]}
        assert {"Youth music studio", "Mental health drop-in with youth workers"} <= funded
        # equal shares reaches every voter; most votes first would have left some out
        assert result["fairness"]["rule"]["overall"] > result["fairness"]["greedy"]["overall"]
        paper = db.session.scalar(
            select(func.count()).select_from(PBBallot).where(PBBallot.channel == "paper")
        )
        assert paper > 0
        entries = db.session.scalar(select(func.count()).select_from(PBPaperEntry))
        assert entries >= 2 * paper  # every paper ballot entered twice
        from consult.pb import counting

        in_delivery = [r for _, r in counting.delivery(finished) if r.progress > 0]
        assert len(in_delivery) == 2 and all(r.owner and r.due_date for r in in_delivery)
        opened = db.session.scalar(select(PBRound).where(PBRound.status == "voting"))
        slug, open_slug = finished.slug, opened.slug
    codes = re.findall(r"^  ([A-Z0-9]{5}-[A-Z0-9]{5})$", "\n".join(report), re.MULTILINE)
    assert len(codes) == 3 and codes == re.findall(
        r"^  ([A-Z0-9]{5}-[A-Z0-9]{5})$", "\n".join(again), re.MULTILINE
    )
    public = app.test_client()
    page = public.get(f"/pb/{slug}").get_data(as_text=True)
    assert "Not on the ballot, and why" in page and "county council" in page
    assert "Cheap trainers" not in page and "removed in moderation" in page
    results = public.get(f"/pb/{slug}/results").get_data(as_text=True)
    assert "Youth music studio" in results and "on paper" in results
    voter = app.test_client()
    assert voter.post(f"/pb/{open_slug}/vote", data={"code": codes[0]}).status_code == 302
    assert "Your ballot" in voter.get(f"/pb/{open_slug}/ballot").get_data(as_text=True)
    # the open round is bilingual: a Welsh visitor reads its Welsh title with no fallback note
    welsh = app.test_client()
    welsh.set_cookie("consult_lang", "cy")
    page = welsh.get(f"/pb/{open_slug}").get_data(as_text=True)
    assert "Cronfa Cymdogaethau Riverside 2027" in page
    assert "Nid yw'r cynnwys hwn ar gael yn Gymraeg" not in page.replace("&#39;", "'")


def test_the_pb_composer_is_pure_and_the_same_every_time():
    import ast
    import json
    import sys
    from pathlib import Path

    from consult.demo import pb

    tree = ast.parse(Path(pb.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    outside = {name.split(".")[0] for name in imported if not name.startswith("consult.demo")}
    assert outside <= set(sys.stdlib_module_names) | {"__future__", "yaml"}, outside
    for make in (pb.finished_pb_round, pb.open_pb_round):
        assert make() == make(2026) and json.loads(json.dumps(make())) == make()
    paper = [b for b in pb.finished_pb_round()["ballots"] if b["channel"] == "paper"]
    assert paper and len({b["serial"] for b in paper}) == len(paper)


def test_the_data_check_catches_an_assessment_without_reasons(monkeypatch):
    from consult.demo import data_check, prose

    real = prose.read_data

    def broken(name: str):  # type: ignore[no-untyped-def]
        data = prose.plain(real(name))
        if name == "participatory_budgeting":
            data["finished"]["proposals"]["bus_passes"]["reasons"] = ""
            data["finished"]["ballots"][0]["choices"].append("gaming_cafe")
        return data

    monkeypatch.setattr(prose, "read_data", broken)
    found = data_check.problems()
    assert any("bus_passes': not_feasible needs published reasons" in p for p in found), found
    assert any("names a project not on the ballot" in p for p in found), found
