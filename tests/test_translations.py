"""The translation check (issue 19): no template has text outside the translation
mechanism, no module flashes a bare string, and the Welsh catalogue translates every
resident-facing string (none missing, empty or fuzzy, with the same %(placeholders)s as
the English).

RESIDENT_TEMPLATES and RESIDENT_MODULES are what residents, registrants, jurors and the
gallery see: every string they mark needs a Welsh translation (docs/translations.md)."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
CATALOGUE = ROOT / "consult" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"

RESIDENT_TEMPLATES = (
    "auth/join.html",
    "base.html",
    "components/forms.html",
    "components/language_switch.html",
    "components/navigation.html",
    "consultations/_errors.html",
    "consultations/_fallback_note.html",
    "consultations/_questions.html",
    "consultations/about_you.html",
    "consultations/answers_copy.html",
    "consultations/check.html",
    "consultations/index.html",
    "consultations/kinds/budget.html",
    "consultations/kinds/checkboxes.html",
    "consultations/kinds/free_text.html",
    "consultations/kinds/radios.html",
    "consultations/kinds/ranking.html",
    "consultations/question.html",
    "consultations/receipt.html",
    "consultations/show.html",
    "errors/401.html",
    "errors/403.html",
    "errors/404.html",
    "errors/429.html",
    "errors/500.html",
    "errors/error.html",
    "home/accessibility.html",
    "home/index.html",
    "home/privacy.html",
    "privacy/delete_response.html",
    "privacy/response_deleted.html",
    # privacy requests: finding, seeing and erasing a person's data
    "privacy/_subject.html",
    "privacy/access.html",
    "privacy/erased.html",
    "privacy/find.html",
    "privacy/found.html",
    # "You said, we did": the council's published responses
    "outcomes/_response.html",
    "outcomes/consultation.html",
    "outcomes/index.html",
    "outcomes/jury.html",
    # juries: the public page, registration, the invitation and its email
    "juries/_invitation_sheet.html",
    "juries/_macros.html",
    "juries/declined.html",
    "juries/invitation.html",
    "juries/invitation_email.txt",
    "juries/public.html",
    "juries/register.html",
    "juries/registered.html",
    "juries/registration_closed.html",
    # live sessions: the juror's pages and the public gallery
    "live/_juror_cards.html",
    "live/_live.html",
    "live/_poll_kinds.html",
    "live/gallery.html",
    "live/juror.html",
    "live/juror_home.html",
    # the juror's before/after questionnaire
    "representation/_question_fields.html",
    "representation/juror_questionnaire.html",
    # participatory budgeting: the public pages, the ballots, the kiosk's voter pages and
    # the live session's PB vote
    "live/_pb_round.html",
    "pb/_fallback_note.html",
)
RESIDENT_MODULES = (
    "consult/auth/forms.py",
    "consult/auth/services.py",
    "consult/consultations/about_you.py",
    "consult/consultations/kinds.py",
    "consult/consultations/services.py",
    "consult/consultations/submission.py",
    "consult/consultations/views.py",
    "consult/i18n.py",
    "consult/juries/forms.py",
    "consult/juries/invitations.py",
    "consult/juries/plans.py",
    "consult/juries/public.py",
    "consult/juries/registrants.py",
    "consult/juries/rules.py",
    "consult/live/browser_strings.py",
    "consult/live/checks.py",
    "consult/live/decisions.py",
    "consult/live/events.py",
    "consult/live/floor.py",
    "consult/live/poll_kinds.py",
    "consult/live/polls.py",
    "consult/live/rounds.py",
    "consult/live/views.py",
    "consult/models/consultations.py",
    # the e-mail a resident gets when the council publishes its response
    "consult/workspace/services.py",
    "consult/representation/questionnaire.py",
    "consult/representation/views.py",
    "consult/live/pb_vote.py",
    "consult/models/pb.py",
    "consult/pb/ballots.py",
    "consult/pb/blueprint.py",
    "consult/pb/counting.py",
    "consult/pb/eligibility.py",
    "consult/pb/forms.py",
    "consult/pb/images.py",
    "consult/pb/kiosk.py",
    "consult/pb/merges.py",
    "consult/pb/notices.py",
    "consult/pb/proposal_pages.py",
    "consult/pb/proposals.py",
    "consult/pb/services.py",
    "consult/pb/views.py",
    "consult/pb/voter_views.py",
    "consult/privacy/erasure.py",
    "consult/privacy/forms.py",
    "consult/privacy/services.py",
    "consult/workspace/outcome_views.py",
)
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}

# Attributes whose values people see or hear (the rest are names, classes and addresses).
SPOKEN_ATTRIBUTES = {"aria-label", "alt", "title", "placeholder"}
SHOWN_VALUES = {"submit", "button", "reset"}  # an <input> of these types shows its value
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.DOTALL)
COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
LITERAL = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
STRING = re.compile(LITERAL)
MARKED = re.compile(rf"(?<![\w.])(?:_|gettext|ngettext)\(\s*{LITERAL}(?:\s*,\s*{LITERAL})?")
WORDS = re.compile(r"[A-Za-z]{2,}")


def _prose(literal: str) -> bool:
    """A string literal that reads as words for people (not a name, a class, a path or a
    date pattern): a capitalised word, or two words with a space between."""
    text = literal[1:-1]
    if re.search(r"[_./=#:%{}-]", text) and not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text):
        return False
    return bool(re.match(r"[A-Z][a-z]+\b", text) or re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text))


class _TextFinder(HTMLParser):
    """Collects text people see, and spoken attributes, from HTML with Jinja removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg"):
            self._skip += 1
        shown = set(SPOKEN_ATTRIBUTES)
        if tag == "input" and dict(attrs).get("type") in SHOWN_VALUES:
            shown.add("value")
        for name, value in attrs:
            if name in shown and value and WORDS.search(value):
                self.found.append(f"{tag}[{name}]={value!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip and WORDS.search(data):
            self.found.append(repr(data.strip()))


def untranslated_text(source: str) -> list[str]:
    """What a template shows people outside {{ _() }}, {{ ngettext() }} and {% trans %}."""
    source = COMMENT.sub("", source)
    source = TRANS_BLOCK.sub("", source)
    problems = []
    for tag in JINJA.findall(source):
        for literal in STRING.findall(MARKED.sub("_()", tag)):
            if _prose(literal):
                problems.append(f"string {literal} in {tag.strip()[:60]!r}")
    finder = _TextFinder()
    finder.feed(JINJA.sub(" ", source))
    return problems + finder.found


def test_the_check_catches_text_outside_the_translation_mechanism():
    assert untranslated_text("<p>Hello there</p>")
    assert untranslated_text('<a aria-label="Go back" href="/">{{ _("Back") }}</a>')
    assert untranslated_text("<strong>{{ 'Closed' if shut }}</strong>")
    assert untranslated_text("{% block title %}Page not found{% endblock %}")
    assert not untranslated_text('<p class="govuk-body">{{ _("Hello there") }}</p>')
    assert not untranslated_text("<p>{% trans n=1 %}Hello {{ n }}{% endtrans %}</p>")
    assert not untranslated_text("<a href=\"{{ url_for('home.index') }}\">{{ name }}</a> · £")
    assert not untranslated_text("{{ value|london('%-d %B %Y') }}<svg><path d='M0 0h13'/></svg>")
    assert not untranslated_text('{{ ngettext("%(num)s day", "%(num)s days", n) }}')
    assert not untranslated_text(
        '<input type="radio" value="yes"><button value="go">{{ x }}</button>'
    )
    assert untranslated_text('<input type="submit" value="Send it">')


ALL_TEMPLATES = sorted(
    str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*") if path.is_file()
)


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_template_has_no_text_outside_the_translation_mechanism(name):
    problems = untranslated_text((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not problems, f"templates/{name}: mark these for translation: {problems}"


def test_the_resident_lists_name_files_that_exist():
    assert set(RESIDENT_TEMPLATES) <= set(ALL_TEMPLATES)
    assert all((ROOT / name).is_file() for name in RESIDENT_MODULES)


def _flashed_literals(path: Path) -> list[int]:
    """Lines where a module flashes a bare string or f-string (not through gettext)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "flash"
        and node.args
        and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
    ]


def test_flash_messages_go_through_the_translation_mechanism():
    flashed = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "consult").rglob("*.py"))
        if (lines := _flashed_literals(path))
    }
    assert not flashed, f"wrap these flash() messages in gettext: {flashed}"


def _resident_messages() -> dict[str | tuple[str, ...], str]:
    """Every message marked in the resident-facing templates and modules: id -> where."""
    found: dict[str | tuple[str, ...], str] = {}
    sources = [("jinja2", TEMPLATES / name) for name in RESIDENT_TEMPLATES]
    sources += [("python", ROOT / name) for name in RESIDENT_MODULES]
    for method, path in sources:
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS
        ):
            key = message if isinstance(message, str) else tuple(m for m in message if m)
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


def test_welsh_catalogue_translates_every_resident_facing_string():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    messages = _resident_messages()
    assert len(messages) > 150  # the extraction itself works
    problems = []
    for key, where in sorted(messages.items(), key=str):
        entry = catalogue.get(key[0] if isinstance(key, tuple) else key)
        if entry is None:
            problems.append(f"missing (run `make translations`): {key!r} from {where}")
            continue
        translations = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        if entry.fuzzy or not all(translations):
            problems.append(f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {key!r} ({where})")
            continue
        english = key if isinstance(key, tuple) else (key,)
        expected = set().union(*(_placeholders(text) for text in english))
        for translation in translations:
            if not _placeholders(translation) <= expected:
                problems.append(f"placeholders differ: {key!r} -> {translation!r}")
    assert not problems, "\n".join(problems)


def test_welsh_catalogue_has_the_six_welsh_plural_forms():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    assert catalogue.num_plurals == 6
    plurals = [m for m in catalogue if m.id and not isinstance(m.id, str)]
    assert plurals and all(len(m.string) == 6 for m in plurals)


JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\\"'])//[^\n]*", re.DOTALL)
JS_PROSE = re.compile(r"""(["'`])([A-Z][a-z]+,? [a-z][^"'`]*?)\1""")


def untranslated_script_text(source: str) -> list[str]:
    """Prose string literals in a script (a capitalised word then a lowercase one): the
    scripts take what they show from the catalogue with t() and tn() instead."""
    return [match.group(2) for match in JS_PROSE.finditer(JS_COMMENT.sub("", source))]


def test_the_script_check_catches_prose():
    assert untranslated_script_text('el("p", {}, `Your vote (${n}% support needed)`)')
    assert untranslated_script_text("status.textContent = 'Saving your answer';")
    assert not untranslated_script_text('el("p", { class: "govuk-body" }, t("voteLegend"))')
    assert not untranslated_script_text("// Save and continue moves on\nx = 1;")


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (ROOT / "static" / "js").glob("*.js")), ids=str
)
def test_scripts_show_text_only_through_the_catalogue(name):
    found = untranslated_script_text((ROOT / "static" / "js" / name).read_text(encoding="utf-8"))
    assert not found, f"static/js/{name}: show these through t()/tn(): {found}"
