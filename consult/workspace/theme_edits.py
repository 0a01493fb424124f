"""The officer's verbs on the theme tree: rename, describe, merge, split, move an answer,
mark it not relevant, approve, publish. Both levels work the same way: a sub-theme is a
Theme row with `parent_id`, and an answer's sub-theme is `ThemeAssignment.subtheme_id`
beside its (top-level) `theme_id`.

Whatever changes who is in a theme recomputes everything derived from its members
(`refresh`): size and share, sentiment, key phrases, summary, quotes and description (the
title stays the officer's once renamed or approved). Lists, charts and exports order themes
by size when they read them (`queries.live_themes`), so they re-sort too. Services check the
actor, change rows, write the audit entry and flush; views commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from consult.dates import local_strftime
from consult.errors import Conflict, Invalid, NotFound, NotPermitted
from consult.extensions import db
from consult.i18n import current_language
from consult.models import (
    AnalysisRun,
    Consultation,
    Theme,
    ThemeAssignment,
    audit,
    utcnow,
)
from consult.workspace import queries
from consult.workspace.analysis_store import NO_COMMENT, publishable_text, theme_count


def require_officer(actor: Any) -> None:
    if not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted(gettext("Only officers can do this."))


#: Members a theme's words, summary and quotes are recomputed from (evenly spread).
REFRESH_SAMPLE = 600


def _field(theme: Theme) -> str:
    return "answer_id" if theme.question_id is not None else "contribution_id"


def _editable(theme: Theme) -> None:
    if theme.merged_into_id is not None:
        raise Conflict(gettext("That theme was merged into another one."))


def _refusal(theme: Theme, field: str, *, sub: tuple[str, str], top: tuple[str, str]) -> Invalid:
    """The refusal (message, and the hint by `field`) that fits the theme's level: the
    sub-theme's words or the top-level theme's (whole sentences, for translators)."""
    message, hint = sub if theme.parent_id is not None else top
    return Invalid(message, fields={field: hint})


# --------------------------------------------------------------------------- derived figures


def recount(theme: Theme) -> None:
    """Size = primary, relevant items; share of all items of the question in the run."""
    theme.size = (
        db.session.scalar(
            select(func.count())
            .select_from(ThemeAssignment)
            .where(
                queries.members(theme),
                ThemeAssignment.primary.is_(True),
                ThemeAssignment.not_relevant.is_(False),
            )
        )
        or 0
    )
    same_question = (
        Theme.question_id.is_(None)
        if theme.question_id is None
        else Theme.question_id == theme.question_id
    )
    total = (
        db.session.scalar(
            select(func.count())
            .select_from(ThemeAssignment)
            .join(Theme, ThemeAssignment.theme_id == Theme.id)
            .where(Theme.run_id == theme.run_id, same_question, ThemeAssignment.primary.is_(True))
        )
        or 0
    )
    theme.share = round(theme.size / total, 4) if total else 0.0


def theme_items(theme: Theme, *, primary_only: bool = True) -> list[tuple[ThemeAssignment, str]]:
    """The theme's assignments with the shown (redacted) text of each answer/contribution."""
    query = select(ThemeAssignment).where(queries.members(theme))
    if primary_only:
        query = query.where(ThemeAssignment.primary.is_(True))
    rows = db.session.scalars(query.order_by(ThemeAssignment.id)).all()
    answers, contributions = queries.assigned_items(rows)
    out = []
    for row in rows:
        if row.answer_id is not None:
            answer = answers.get(row.answer_id)
            out.append((row, publishable_text(answer) if answer else ""))
        else:
            contribution = contributions.get(row.contribution_id or 0)
            out.append((row, contribution.redacted if contribution else ""))
    return out


def _keeps_title(theme: Theme) -> bool:
    """An officer's title (renamed or approved) is never replaced by the engine's."""
    return theme.approved_at is not None or theme.engine_key.startswith("renamed:")


def refresh(theme: Theme) -> None:
    """Recompute everything derived from the theme's members: size and share, sentiment,
    key phrases, summary, quotes, the description (unless an officer wrote it) and the
    title (unless an officer renamed or approved it). The members are read again and
    summarised by the same engine that found the theme, as one theme."""
    db.session.flush()
    recount(theme)
    if theme.no_substantive_comment:
        return
    field_name = _field(theme)
    items = [
        (getattr(row, field_name), text)
        for row, text in theme_items(theme)
        if not row.not_relevant and text.strip()
    ]
    if not items:
        theme.keyphrases, theme.summary, theme.quotes = [], [], []
        theme.sentiment = {}
        if theme.description_ids is not None:
            theme.description, theme.description_ids = None, []
        return
    from analysis import themes as find_themes
    from analysis.sentiment import sentiment_scores, sentiment_summary

    # Words, summary and quotes from an evenly spread sample of a large theme (the engine
    # takes about 1 s for 500 answers, 5 s for 2,000); sentiment from every member.
    step = max(1, -(-len(items) // REFRESH_SAMPLE))
    sample = items[::step]
    result = find_themes(
        [text for _, text in sample],
        [str(item_id) for item_id, _ in sample],
        n_themes=1,
        subthemes=False,
        detect_duplicates=False,
    )
    texts = {str(item_id): text for item_id, text in sample}
    if not result.themes:  # every member says nothing of substance
        theme.keyphrases, theme.summary, theme.quotes = [], [], []
        theme.sentiment = {}
        return
    # The largest: answers in Welsh and English come back as themes of their own.
    found = max(result.themes, key=lambda part: part.size)
    _copy_details(theme, found, texts, retitle=not _keeps_title(theme))
    if step > 1:
        theme.sentiment = dict(
            sentiment_summary(list(sentiment_scores([text for _, text in items])))
        )


def _copy_details(theme: Theme, found: Any, texts: dict[str, str], *, retitle: bool) -> None:
    """A found `analysis.Theme`'s details onto a Theme row; `found`'s response ids are
    the item ids as strings, `texts` their shown text."""
    theme.keyphrases = list(found.keyphrases)
    theme.sentiment = dict(found.sentiment)
    theme.language = found.language
    theme.summary = [
        {"sentence": s.sentence, "response_ids": [int(i) for i in s.response_ids]}
        for s in found.summary
    ]
    theme.quotes = [{"id": int(q.id), "text": texts.get(q.id, q.text)} for q in found.quotes]
    if theme.description_ids is not None:  # None: an officer wrote it
        description = found.description
        theme.description = description.sentence if description else None
        theme.description_ids = [int(i) for i in description.response_ids] if description else []
    if retitle:
        theme.label = found.title[:200]


# --------------------------------------------------------------------------- words


def rename_theme(theme: Theme, label: str, *, actor: Any) -> Theme:
    require_officer(actor)
    _editable(theme)
    label = (label or "").strip()
    if not label:
        raise _refusal(
            theme,
            "label",
            sub=(
                gettext("Enter a name for the sub-theme."),
                gettext("Enter a name for the sub-theme"),
            ),
            top=(gettext("Enter a name for the theme."), gettext("Enter a name for the theme")),
        )
    if len(label) > 200:
        raise Invalid(
            gettext("Names are 200 characters at most."),
            fields={"label": gettext("Use 200 characters or fewer")},
        )
    old, theme.label = theme.label, label
    if not theme.engine_key.startswith("renamed:"):
        theme.engine_key = f"renamed:{theme.engine_key}"[:40]
    audit("theme.renamed", actor=actor, subject=theme, old=old, new=label)
    return theme


def describe_theme(theme: Theme, description: str, *, actor: Any) -> Theme:
    """An officer's own description (it then cites no answers and is never replaced)."""
    require_officer(actor)
    _editable(theme)
    description = (description or "").strip()
    if len(description) > 1000:
        raise Invalid(
            gettext("Descriptions are 1000 characters at most."),
            fields={"description": gettext("Use 1000 characters or fewer")},
        )
    old = theme.description
    theme.description = description or None
    theme.description_ids = None
    audit("theme.described", actor=actor, subject=theme, old=old, new=description)
    return theme


# --------------------------------------------------------------------------- membership


def _same_question(a: Theme, b: Theme) -> bool:
    return a.run_id == b.run_id and a.question_id == b.question_id


def _primary_rows(theme: Theme) -> list[ThemeAssignment]:
    return list(
        db.session.scalars(
            select(ThemeAssignment).where(queries.members(theme)).order_by(ThemeAssignment.id)
        )
    )


def _place(row: ThemeAssignment, top_id: int, sub_id: int | None, field_name: str) -> None:
    """Put an assignment in theme `top_id` (sub-theme `sub_id`), folding it into a row the
    item already has there."""
    if row.theme_id != top_id:
        clash = db.session.scalar(
            select(ThemeAssignment).where(
                ThemeAssignment.theme_id == top_id,
                getattr(ThemeAssignment, field_name) == getattr(row, field_name),
                ThemeAssignment.id != row.id,
            )
        )
        if clash is not None:
            row.primary = row.primary or clash.primary
            row.not_relevant = row.not_relevant and clash.not_relevant
            db.session.delete(clash)
            db.session.flush()
        row.theme_id = top_id
    row.subtheme_id = sub_id


def merge_themes(target: Theme, sources: Iterable[Theme], *, actor: Any) -> Theme:
    """Move every answer of `sources` into `target` (themes into a theme, or sub-themes
    into a sub-theme of the same question); the sources are marked merged. A merged theme's
    sub-themes move with it. Everything derived from membership is recomputed."""
    require_officer(actor)
    _editable(target)
    sources = [s for s in sources if s.id != target.id]
    if not sources:
        raise _refusal(
            target,
            "sources",
            sub=(
                gettext("Choose at least one sub-theme to merge into this one."),
                gettext("Choose at least one sub-theme"),
            ),
            top=(
                gettext("Choose at least one theme to merge into this one."),
                gettext("Choose at least one theme"),
            ),
        )
    changed: dict[int, Theme] = {target.id: target}
    for source in sources:
        _editable(source)
        if not _same_question(source, target):
            raise Invalid(gettext("Only themes of the same question and run can be merged."))
        if (source.parent_id is None) != (target.parent_id is None):
            raise Invalid(gettext("Merge themes with themes, and sub-themes with sub-themes."))
    field_name = _field(target)
    for source in sources:
        if target.parent_id is None:
            for row in _primary_rows(source):
                _place(row, target.id, row.subtheme_id, field_name)
            for child in db.session.scalars(select(Theme).where(Theme.parent_id == source.id)):
                child.parent_id = target.id
        else:
            old_parent = db.session.get(Theme, source.parent_id)
            for row in _primary_rows(source):
                _place(row, target.parent_id, target.id, field_name)
            if old_parent is not None and old_parent.id != target.parent_id:
                changed[old_parent.id] = old_parent
        source.merged_into_id = target.id
        source.size, source.share = 0, 0.0
    if target.parent_id is not None:
        parent = db.session.get(Theme, target.parent_id)
        if parent is not None and len(changed) > 1:
            changed[parent.id] = parent
    for theme in changed.values():
        refresh(theme)
    audit("theme.merged", actor=actor, subject=target, merged=[s.id for s in sources])
    return target


def split_theme(theme: Theme, n_parts: int | str, *, actor: Any) -> list[Theme]:
    """Re-cluster the theme's answers into `n_parts` (or "auto") themes at the same level:
    the theme keeps the first part (and any council response), new themes take the others.
    Splitting a top-level theme finds each part's sub-themes afresh (its old sub-themes
    are retired); splitting a sub-theme makes sibling sub-themes."""
    require_officer(actor)
    _editable(theme)
    if theme.no_substantive_comment:
        raise Invalid(gettext("The no-comment group cannot be split."))
    n_parts = theme_count(
        n_parts,
        10,
        refusal=gettext("Split into between 2 and 10 themes."),
        field="parts",
        hint=gettext("Enter a number between 2 and 10"),
    )
    items = [(row, text) for row, text in theme_items(theme) if not row.not_relevant]
    if len(items) < 4:
        raise _refusal(
            theme,
            "parts",
            sub=(
                gettext("A sub-theme needs at least 4 answers to split."),
                gettext("This sub-theme is too small to split"),
            ),
            top=(
                gettext("A theme needs at least 4 answers to split."),
                gettext("This theme is too small to split"),
            ),
        )
    field_name = _field(theme)
    ids = [str(getattr(row, field_name)) for row, _ in items]
    from analysis import themes as find_themes

    top_level = theme.parent_id is None
    result = find_themes(
        [text for _, text in items],
        ids,
        n_themes=n_parts,  # type: ignore[arg-type]  # "auto" or a checked whole number
        detect_duplicates=False,
        subthemes=top_level,
    )
    parts = list(result.themes)
    if len(parts) < 2:
        raise Conflict(gettext("The answers in this theme do not fall into separate groups."))
    by_row = {str(getattr(row, field_name)): row for row, _ in items}
    texts = {str(getattr(row, field_name)): text for row, text in items}
    if top_level:
        siblings = db.session.scalars(
            select(Theme).where(
                Theme.run_id == theme.run_id,
                Theme.parent_id.is_(None),
                Theme.position > theme.position,
            )
        ).all()
        for sibling in siblings:
            sibling.position += len(parts) - 1
        named = _officer_named_children(theme, by_row)
        for old_child in db.session.scalars(
            select(Theme).where(Theme.parent_id == theme.id, Theme.merged_into_id.is_(None))
        ):
            old_child.merged_into_id, old_child.size, old_child.share = theme.id, 0, 0.0
    old_label = theme.label
    created = [theme]
    _copy_details(theme, parts[0], texts, retitle=not _keeps_title(theme))
    for offset, part in enumerate(parts[1:], start=1):
        new = Theme(
            run_id=theme.run_id,
            question_id=theme.question_id,
            parent_id=theme.parent_id,
            position=theme.position + offset,
            engine_key=f"split:{theme.id}:{part.id}",
            label=part.title[:200],
            description_ids=[],
        )
        _copy_details(new, part, texts, retitle=True)
        db.session.add(new)
        created.append(new)
    db.session.flush()
    for target, part in zip(created, parts, strict=True):
        for row in (by_row[i] for i in part.response_ids):
            if top_level:
                row.theme_id, row.subtheme_id = target.id, None
            else:
                row.subtheme_id = target.id
            row.manual = row.manual or target is not theme
    for row_id, assigned in result.theme_of().items():
        if assigned == NO_COMMENT:
            row = by_row[row_id]
            row.manual = True  # stays with the original theme
            if top_level:
                row.subtheme_id = None
    db.session.flush()
    if top_level:
        subtheme_of = result.subtheme_of()
        new_subthemes: list[Theme] = []
        for target, part in zip(created, parts, strict=True):
            children = {}
            for number, sub in enumerate(part.subthemes):
                child = Theme(
                    run_id=theme.run_id,
                    question_id=theme.question_id,
                    parent_id=target.id,
                    position=number,
                    engine_key=f"split:{theme.id}:{sub.id}",
                    label=sub.title[:200],
                    description_ids=[],
                )
                _copy_details(child, sub, texts, retitle=True)
                db.session.add(child)
                children[sub.id] = child
            db.session.flush()
            for row in (by_row[i] for i in part.response_ids):
                found = children.get(subtheme_of.get(str(getattr(row, field_name)), -1))
                row.subtheme_id = found.id if found is not None else None
            db.session.flush()
            for child in children.values():
                recount(child)
            new_subthemes.extend(children.values())
        # the theme split keeps its own name; its parts and their sub-themes are new
        _carry_officer_names(named, created[1:] + new_subthemes, by_row)
    for target in created:
        recount(target)
    audit(
        "theme.split",
        actor=actor,
        subject=theme,
        old_label=old_label,
        into=[t.id for t in created],
    )
    return created


def _officer_named_children(
    theme: Theme, by_row: dict[str, ThemeAssignment]
) -> list[tuple[Theme, set[str]]]:
    """The sub-themes of `theme` an officer named or described, each with its members
    (item ids as strings), read before a split retires them."""
    named = []
    for child in db.session.scalars(
        select(Theme).where(Theme.parent_id == theme.id, Theme.merged_into_id.is_(None))
    ):
        if _keeps_title(child) or child.description_ids is None:
            members = {key for key, row in by_row.items() if row.subtheme_id == child.id}
            named.append((child, members))
    return named


def _carry_officer_names(
    named: list[tuple[Theme, set[str]]],
    children: list[Theme],
    by_row: dict[str, ThemeAssignment],
) -> None:
    """A new theme or sub-theme that is mostly an old officer-named sub-theme (at least
    half of the two together are shared: Jaccard 0.5 or more) takes that officer's name
    and description, so a split does not undo an officer's words. Each old name is given
    once, to the closest new theme."""
    members = {
        child.id: {
            key
            for key, row in by_row.items()
            if (row.theme_id if child.parent_id is None else row.subtheme_id) == child.id
        }
        for child in children
    }
    pairs = []
    for old, old_members in named:
        for child in children:
            union = old_members | members[child.id]
            if union:
                pairs.append((len(old_members & members[child.id]) / len(union), old, child))
    taken: set[int] = set()
    for score, old, child in sorted(pairs, key=lambda p: -p[0]):
        if score < 0.5 or old.id in taken or child.id in taken:
            continue
        taken.update((old.id, child.id))
        if _keeps_title(old):
            child.label = old.label
            child.engine_key = f"renamed:{child.engine_key}"[:40]
        if old.description_ids is None:
            child.description, child.description_ids = old.description, None


def _assignment(theme: Theme, item_id: int) -> ThemeAssignment:
    row = db.session.scalar(
        select(ThemeAssignment).where(
            queries.members(theme),
            getattr(ThemeAssignment, _field(theme)) == item_id,
        )
    )
    if row is None:
        raise NotFound(gettext("That answer is not in this theme."))
    return row


def move_item(theme: Theme, item_id: int, target: Theme, *, actor: Any) -> ThemeAssignment:
    """Move an answer (or contribution) from one theme or sub-theme to another of the same
    question; every theme whose members change is recomputed."""
    require_officer(actor)
    _editable(theme)
    _editable(target)
    if not _same_question(target, theme):
        raise Invalid(
            gettext("Answers can only move between themes of the same question."),
            fields={"target": gettext("Choose a theme of the same question")},
        )
    if target.id == theme.id:
        raise Invalid(
            gettext("Choose a different theme."),
            fields={"target": gettext("Choose a different theme")},
        )
    row = _assignment(theme, item_id)
    old_top, old_sub = row.theme_id, row.subtheme_id
    new_top = target.parent_id if target.parent_id is not None else target.id
    new_sub = target.id if target.parent_id is not None else None
    if (old_top, old_sub) == (new_top, new_sub):
        raise Invalid(
            gettext("The answer is already there."),
            fields={"target": gettext("Choose another theme")},
        )
    _place(row, new_top, new_sub, _field(theme))
    row.primary, row.manual = True, True
    changed = {old_sub, new_sub}
    if old_top != new_top:
        changed |= {old_top, new_top}
    for theme_id in sorted(i for i in changed if i is not None):
        affected = db.session.get(Theme, theme_id)
        if affected is not None:
            refresh(affected)
    audit("theme.item_moved", actor=actor, subject=target, item=item_id, from_theme=theme.id)
    return row


def mark_not_relevant(theme: Theme, item_id: int, *, actor: Any, value: bool = True) -> None:
    """Mark an answer in a theme as not relevant (excluded from its count, summary and
    quotes), or relevant again; its theme and sub-theme are recomputed."""
    require_officer(actor)
    _editable(theme)
    row = _assignment(theme, item_id)
    row.not_relevant = value
    for theme_id in (row.theme_id, row.subtheme_id):
        affected = db.session.get(Theme, theme_id) if theme_id else None
        if affected is not None:
            refresh(affected)
    audit(
        "theme.not_relevant" if value else "theme.relevant",
        actor=actor,
        subject=theme,
        item=item_id,
    )


def approve_theme(theme: Theme, *, actor: Any, approved: bool = True) -> Theme:
    require_officer(actor)
    _editable(theme)
    if approved:
        theme.approved_by_id, theme.approved_at = actor.id, utcnow()
    else:
        theme.approved_by_id, theme.approved_at = None, None
    audit("theme.approved" if approved else "theme.unapproved", actor=actor, subject=theme)
    return theme


def not_yet_publishable(consultation: Consultation | None, *, themes: bool = False) -> str | None:
    """Why nothing of `consultation` may go on "You said, we did" yet, or None when it may.
    Residents are still answering until it closes, so publishing the council's answer
    (or the themes) before then would tell them the outcome of a conversation still
    going on. Juries are not held back: their recommendations exist only once voted.
    `themes`: the refusal speaks of publishing approved themes, not the response."""
    if consultation is None or consultation.status in ("closed", "analysed", "responded"):
        return None
    closes = consultation.closes_at
    if consultation.status == "open" and closes is not None and closes <= utcnow():
        return None  # past its closing time; the stored status catches up when next read
    if consultation.status == "draft":
        if themes:
            return gettext(
                "This consultation has not opened yet: publish approved themes after it closes."
            )
        return gettext(
            "This consultation has not opened yet: publish the council's response after it closes."
        )
    if closes is None:
        if themes:
            return gettext(
                "This consultation is still open: publish approved themes after it closes."
            )
        return gettext(
            "This consultation is still open: publish the council's response after it closes."
        )
    when = local_strftime(closes, "%-d %B %Y", current_language())
    if themes:
        return gettext(
            "This consultation is still open: publish approved themes after it closes on %(date)s.",
            date=when,
        )
    return gettext(
        "This consultation is still open: publish the council's response after it closes on "
        "%(date)s.",
        date=when,
    )


def publish_themes(run: AnalysisRun, *, actor: Any) -> int:
    """Publish every approved theme of a run; returns how many."""
    require_officer(actor)
    if run.consultation_id is not None:
        refusal = not_yet_publishable(
            db.session.get(Consultation, run.consultation_id), themes=True
        )
        if refusal:
            raise Conflict(refusal)
    count = 0
    for theme in db.session.scalars(
        select(Theme).where(
            Theme.run_id == run.id,
            Theme.approved_at.is_not(None),
            Theme.merged_into_id.is_(None),
        )
    ):
        if not theme.published:
            theme.published = True
            count += 1
    audit("themes.published", actor=actor, subject=run, count=count)
    return count
