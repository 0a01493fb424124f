"""A jury's before/after questionnaire: its questions, jurors' answers (online, or typed
in from paper by a facilitator), and the report of how views moved
(`analysis.opinion_change` does the figures)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import func, select

from analysis.opinion_change import PairedChange, paired_change
from consult.errors import Invalid, NotPermitted
from consult.extensions import db
from consult.i18n import HTML_LANG, LANGUAGES, Localised, current_language
from consult.models import (
    AuditEntry,
    Jury,
    JuryQuestion,
    JuryQuestionAnswer,
    PanelMember,
    audit,
)
from consult.models.consultations import LIKERT_OPTIONS
from consult.wording import N_

STAGES = {"before": N_("Before the first session"), "after": N_("After the last session")}
AGREEMENT = LIKERT_OPTIONS  # the same five points as a consultation's agreement scale
MAX_QUESTIONS = 20


def scale(question: JuryQuestion) -> list[dict[str, str]]:
    """The question's points in order (first to last)."""
    return list(AGREEMENT) if question.kind == "agreement" else list(question.options or [])


class LocalisedJuryQuestion(Localised):
    """A questionnaire question as a juror sees it, in the page's language: its Welsh
    prompt and choices (`prompt_cy`, `options_cy` by position) on a Welsh page, else the
    English inside lang="en-GB"; the agreement scale's points from the catalogue."""

    TEXT_FIELDS = ("prompt",)

    @property
    def prompt(self) -> Markup:
        return self.mark("prompt")

    def _welsh_options(self) -> list[str]:
        return [str(label or "").strip() for label in (self._row.options_cy or [])]

    @property
    def options_fall_back(self) -> bool:
        if self._language == LANGUAGES[0] or self._row.kind != "choice":
            return False
        welsh = self._welsh_options()
        return len(welsh) != len(self._row.options or []) or not all(welsh)

    @property
    def points(self) -> list[dict[str, Any]]:
        """The answers in order, each with its label in the page's language."""
        if self._row.kind == "agreement":
            return [{**point, "label": gettext(point["label"])} for point in AGREEMENT]
        options = list(self._row.options or [])
        if self._language == LANGUAGES[0] or self.options_fall_back:
            english = HTML_LANG[LANGUAGES[0]]
            marked = self._language != LANGUAGES[0]
            return [
                {
                    **option,
                    "label": Markup('<span lang="{}">{}</span>').format(english, option["label"])
                    if marked
                    else option["label"],
                }
                for option in options
            ]
        return [
            {**option, "label": label}
            for option, label in zip(options, self._welsh_options(), strict=True)
        ]

    @property
    def missing_translation(self) -> bool:
        return super().missing_translation or self.options_fall_back


def in_language(question: JuryQuestion) -> LocalisedJuryQuestion:
    return LocalisedJuryQuestion(question, current_language())


def missing_welsh(jury: Jury) -> list[str]:
    """The questions with no complete Welsh version ("Question 2"), for the officer."""
    return [
        gettext("Question %(number)s", number=number)
        for number, question in enumerate(questions(jury), start=1)
        if LocalisedJuryQuestion(question, "cy").missing_translation
    ]


def _welsh_options(text: str, labels: list[str], fields: dict[str, str], key: str) -> list[str]:
    """A choice question's Welsh labels from the form (one a line, in the English order):
    none, or one for each choice (else a message on `key`)."""
    welsh = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if welsh and len(welsh) != len(labels):
        fields[key] = gettext(
            "Give one Welsh choice for each of the %(count)s choices, in the same order",
            count=len(labels),
        )
    elif any(len(label) > 60 for label in welsh):
        fields[key] = gettext("Each choice must be 60 characters or fewer")
    return welsh


def questions(jury: Jury) -> list[JuryQuestion]:
    return list(
        db.session.scalars(
            select(JuryQuestion)
            .where(JuryQuestion.jury_id == jury.id)
            .order_by(JuryQuestion.position, JuryQuestion.id)
        )
    )


def _staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_staff", False)) and actor.has_role("officer", "facilitator")


def _refuse_unless_staff(actor: Any) -> None:
    if not _staff(actor):
        raise NotPermitted(gettext("Only officers and facilitators can change the questionnaire."))


def add_question(
    jury: Jury,
    *,
    prompt: str,
    kind: str,
    options: str,
    actor: Any,
    prompt_cy: str = "",
    options_cy: str = "",
) -> JuryQuestion:
    """Add a question (officers and facilitators). `options` lists a choice question's
    answers one a line, in order; `prompt_cy` and `options_cy` their Welsh versions (may
    be left empty: Welsh jurors then see the English). Raises Invalid (nothing added).
    Flushes."""
    _refuse_unless_staff(actor)
    fields: dict[str, str] = {}
    prompt = (prompt or "").strip()
    prompt_cy = (prompt_cy or "").strip()
    if not prompt:
        fields["prompt"] = gettext("Enter the statement or question")
    elif len(prompt) > 500:
        fields["prompt"] = gettext("The question must be 500 characters or fewer")
    if len(prompt_cy) > 500:
        fields["prompt_cy"] = gettext("The question must be 500 characters or fewer")
    if kind not in ("agreement", "choice"):
        fields["kind"] = gettext("Choose an agreement scale or choices")
    labels = [line.strip() for line in (options or "").splitlines() if line.strip()]
    welsh: list[str] = []
    if kind == "choice":
        if len(labels) < 2:
            fields["options"] = gettext("List at least two choices, one on each line")
        elif len(set(labels)) != len(labels):
            fields["options"] = gettext("Each choice must be different")
        elif any(len(label) > 60 for label in labels):
            fields["options"] = gettext("Each choice must be 60 characters or fewer")
        welsh = _welsh_options(options_cy, labels, fields, "options_cy")
    existing = questions(jury)
    if len(existing) >= MAX_QUESTIONS:
        fields["prompt"] = gettext(
            "A questionnaire has at most %(count)s questions", count=MAX_QUESTIONS
        )
    if fields:
        raise Invalid(gettext("The question was not added."), fields=fields)
    question = JuryQuestion(
        jury_id=jury.id,
        position=len(existing),
        kind=kind,
        prompt=prompt,
        options=[{"value": label, "label": label} for label in labels] if kind == "choice" else [],
        prompt_cy=prompt_cy or None,
        options_cy=welsh or None,
    )
    db.session.add(question)
    audit("questionnaire.question_added", actor=actor, subject=jury, prompt=prompt)
    return question


def set_welsh_versions(jury: Jury, given: Mapping[str, str], *, actor: Any) -> int:
    """The Welsh versions of the questions already asked, from the questionnaire page:
    `prompt_cy-<id>` and `options_cy-<id>` (a choice question's Welsh choices, one a line
    in the English order; empty: none). They change no answer, so they may be set once
    jurors have answered. Raises Invalid (nothing changes). Returns how many questions
    changed. Flushes."""
    _refuse_unless_staff(actor)
    fields: dict[str, str] = {}
    updates: dict[JuryQuestion, tuple[str | None, list[str] | None]] = {}
    for question in questions(jury):
        prompt_key, options_key = f"prompt_cy-{question.id}", f"options_cy-{question.id}"
        if prompt_key not in given and options_key not in given:
            continue
        prompt_cy = (given.get(prompt_key) or "").strip()
        if len(prompt_cy) > 500:
            fields[prompt_key] = gettext("The question must be 500 characters or fewer")
        labels = [point["label"] for point in question.options or []]
        welsh = (
            _welsh_options(given.get(options_key, ""), labels, fields, options_key)
            if question.kind == "choice"
            else []
        )
        updates[question] = (prompt_cy or None, welsh or None)
    if fields:
        raise Invalid(gettext("Nothing was saved: check the Welsh versions."), fields=fields)
    changed = 0
    for question, (prompt_cy, options_cy) in updates.items():
        if (question.prompt_cy, question.options_cy) != (prompt_cy, options_cy):
            question.prompt_cy, question.options_cy = prompt_cy, options_cy
            changed += 1
    if changed:
        audit("questionnaire.welsh_set", actor=actor, subject=jury, count=changed)
    db.session.flush()
    return changed


def delete_question(question: JuryQuestion, *, actor: Any) -> None:
    """Remove a question; refused once anyone has answered it (their answers would go)."""
    _refuse_unless_staff(actor)
    answered = db.session.scalar(
        select(func.count(JuryQuestionAnswer.id)).where(
            JuryQuestionAnswer.question_id == question.id
        )
    )
    if answered:
        raise Invalid(
            gettext("This question has answers, so it cannot be removed."),
            fields={"question": gettext("Jurors have answered this question")},
        )
    AuditEntry.record("questionnaire.question_removed", actor=actor, subject=question)
    db.session.delete(question)
    db.session.flush()


def answers_of(member: PanelMember, stage: str) -> dict[int, str]:
    return {
        row.question_id: row.value
        for row in db.session.scalars(
            select(JuryQuestionAnswer).where(
                JuryQuestionAnswer.member_id == member.id, JuryQuestionAnswer.stage == stage
            )
        )
    }


def record_answers(
    jury: Jury, member: PanelMember, stage: str, values: Mapping[str, str], *, actor: Any
) -> int:
    """Save `member`'s answers for `stage` (``{"q<id>": value}``; blank: not answered).

    The juror themselves, or an officer or facilitator typing in a paper form. Raises
    NotPermitted for anyone else, Invalid (nothing saved) for an answer not on the question's
    scale or a juror of another jury. Returns how many answers were saved. Flushes."""
    is_self = getattr(actor, "kind", None) == "member" and actor.id == member.id
    if not is_self and not _staff(actor):
        raise NotPermitted(gettext("Only the juror or a facilitator can record these answers."))
    if member.jury_id != jury.id:
        raise Invalid(
            gettext("That person is not on this jury."),
            fields={"member": gettext("Choose a juror")},
        )
    if stage not in STAGES:
        raise Invalid(
            gettext("Choose before or after."), fields={"stage": gettext("Choose before or after")}
        )
    fields: dict[str, str] = {}
    chosen: dict[JuryQuestion, str] = {}
    for question in questions(jury):
        value = (values.get(f"q{question.id}") or "").strip()
        if not value:
            continue
        if value not in {point["value"] for point in scale(question)}:
            fields[f"q{question.id}"] = gettext("Choose one of the answers given")
        else:
            chosen[question] = value
    if fields:
        raise Invalid(gettext("Nothing was saved: check the answers."), fields=fields)
    existing = {
        row.question_id: row
        for row in db.session.scalars(
            select(JuryQuestionAnswer).where(
                JuryQuestionAnswer.member_id == member.id, JuryQuestionAnswer.stage == stage
            )
        )
    }
    for question, value in chosen.items():
        row = existing.get(question.id)
        if row is None:
            row = JuryQuestionAnswer(question_id=question.id, member_id=member.id, stage=stage)
            db.session.add(row)
        row.value = value
        row.entered_by_id = None if is_self else actor.id
    audit("questionnaire.answered", actor=actor, subject=member, stage=stage, count=len(chosen))
    return len(chosen)


def p_text(p: float) -> str:
    """'p = 0.012', or 'p < 0.001' (never 'p = 0.000')."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def p_in_words(p: float) -> str:
    if p < 0.001:
        return "very unlikely to be chance (p < 0.001)"
    if p < 0.01:
        return f"very unlikely to be chance (p = {p:.3f})"
    if p < 0.05:
        return f"unlikely to be chance (p = {p:.3f})"
    return f"could well be chance (p = {p:.2f})"


def _sentence(question: JuryQuestion, change: PairedChange) -> str:
    if not change.pairs:
        return "Nobody has answered this question both before and after yet."
    return (
        f"After the jury, {change.up} of {change.pairs} members who answered both times "
        f"agreed more strongly that “{question.prompt.rstrip('.')}”; {change.down} agreed less "
        f"strongly and {change.unchanged} did not change. A shift this size is "
        f"{p_in_words(change.sign_test_p)} (sign test)."
    )


def _choice_change(
    question: JuryQuestion, before: Mapping[str, str], after: Mapping[str, str]
) -> tuple[str, PairedChange | None]:
    """Choices have no order: the answer that gained most, with McNemar's exact test (the
    sign test on those who moved to it against those who moved away from it)."""
    values = [point["value"] for point in scale(question)]
    best: tuple[int, str, PairedChange] | None = None
    for value in values:
        change = paired_change(
            {p: "yes" if a == value else "no" for p, a in before.items() if a in values},
            {p: "yes" if a == value else "no" for p, a in after.items() if a in values},
            ["no", "yes"],
        )
        if best is None or change.up - change.down > best[0]:
            best = (change.up - change.down, value, change)
    if best is None:
        return "", None
    _, value, change = best
    pairs = sorted(set(before) & set(after))
    moved = sum(
        1 for p in pairs if before[p] != after[p] and before[p] in values and after[p] in values
    )
    if not change.pairs:
        return "Nobody has answered this question both before and after yet.", change
    label = dict((point["value"], point["label"]) for point in scale(question))[value]
    return (
        f"After the jury, {moved} of {change.pairs} members who answered both times changed "
        f"their answer to “{question.prompt.rstrip('.')}”: {change.up} moved to “{label}” and "
        f"{change.down} moved away from it. A shift this size is "
        f"{p_in_words(change.sign_test_p)} (McNemar's exact test).",
        change,
    )


def report(jury: Jury) -> list[dict[str, Any]]:
    """Per question: distribution before and after, who moved and which way, the paired
    tests' p-values and a sentence; those who answered only once counted apart."""
    out = []
    rows = db.session.scalars(
        select(JuryQuestionAnswer).join(JuryQuestion).where(JuryQuestion.jury_id == jury.id)
    ).all()
    by_question: dict[int, dict[str, dict[str, str]]] = {}
    for row in rows:
        by_question.setdefault(row.question_id, {"before": {}, "after": {}})[row.stage][
            str(row.member_id)
        ] = row.value
    for question in questions(jury):
        points = scale(question)
        stages = by_question.get(question.id, {"before": {}, "after": {}})
        change = paired_change(stages["before"], stages["after"], [p["value"] for p in points])
        moved, test_p, sentence = change.moved, change.sign_test_p, _sentence(question, change)
        if question.kind == "choice":
            sentence, choice = _choice_change(question, stages["before"], stages["after"])
            paired = set(stages["before"]) & set(stages["after"])
            moved = sum(1 for p in paired if stages["before"][p] != stages["after"][p])
            test_p = choice.sign_test_p if choice else 1.0
        total_before = sum(change.before.values()) or 1
        total_after = sum(change.after.values()) or 1
        out.append(
            {
                "prompt": question.prompt,
                "kind": question.kind,
                "distribution": [
                    {
                        "label": point["label"],
                        "before": change.before[point["value"]],
                        "after": change.after[point["value"]],
                        "before_share": change.before[point["value"]] / total_before,
                        "after_share": change.after[point["value"]] / total_after,
                    }
                    for point in points
                ],
                "sentence": sentence,
                "moved_share": moved / change.pairs if change.pairs else 0.0,
                **change.as_dict(),
                "moved": moved,
                "sign_test_p": test_p,
                "sign_test_p_text": p_text(test_p),
                "wilcoxon_p_text": p_text(change.wilcoxon_p),
            }
        )
    return out
