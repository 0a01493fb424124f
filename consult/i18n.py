"""The bilingual service (Welsh and English): Flask-Babel bound in the factory, the choice
of language for each request, the language switch in the header, the strings the browser
scripts show (a small JSON catalogue embedded in every page), and consultation content in
the resident's language with English as the visible fallback.

The language is, in order: the `consult_lang` cookie the header's switch sets, else the
browser's Accept-Language on a first visit, else English. Catalogues live in
consult/translations/<code>/LC_MESSAGES/messages.po; `make translations` extracts, updates
and compiles them (docs/translations.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext
from markupsafe import Markup, escape

from consult.auth.access import public

LANGUAGES = ("en", "cy")  # the first is the default and the fallback for content
HTML_LANG = {"en": "en-GB", "cy": "cy"}
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}  # each in its own language
COOKIE = "consult_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_language() -> str:
    """The language of this request: the switch's cookie, else Accept-Language, else English.
    Outside a request (CLI, jobs) English."""
    if not has_request_context():
        return LANGUAGES[0]
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    """The code ("en" or "cy") pages and services use for the current request."""
    locale = get_locale() if has_request_context() else None
    return locale.language if locale is not None else LANGUAGES[0]


def _safe_next(target: str | None) -> str:
    """A path on this site to go back to (never another site: no scheme, no host)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.route("/language/<code>")
@public
def switch(code: str) -> Any:
    """The header's "English | Cymraeg" links: remember the choice, go back to the page."""
    response = redirect(_safe_next(request.args.get("next")))
    if code in LANGUAGES:
        response.set_cookie(
            COOKIE,
            code,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
        )
    return response


#: The strings of a feature's own browser scripts, by its blueprint's name.
_FEATURE_STRINGS: dict[str, Callable[[], dict[str, str]]] = {}


def register_browser_strings(blueprint: str, strings: Callable[[], dict[str, str]]) -> None:
    """A feature's scripts' strings (`strings()` in the current language), embedded only on
    the pages of its `blueprint`. The feature registers them, so this module imports none."""
    _FEATURE_STRINGS[blueprint] = strings


# Every string the browser scripts show people, by key. Marked here so extraction finds
# them; base.html embeds the current language's versions as JSON (static/js/i18n.js).
def browser_strings() -> dict[str, str]:
    # a feature's own scripts' strings only on its pages (the live session's: juror,
    # gallery, console), as the feature registered them
    own = _FEATURE_STRINGS.get(request.blueprint or "") if has_request_context() else None
    return (own() if own else {}) | {
        "saving": gettext("Saving…"),
        "saved": gettext("Saved"),
        "notSavedCheck": gettext("Not saved yet: check your answer"),
        "offline": gettext(
            "Not saved: you seem to be offline. Your answer will be saved when you continue."
        ),
        "budgetExact": gettext("Your amounts add up to £%(target)s."),
        "budgetLeft": gettext("You have £%(left)s of £%(target)s left to allocate."),
        "budgetOver": gettext("You have allocated £%(over)s more than £%(target)s."),
    }


# CLDR plural categories (what GOV.UK Frontend's scripts pick with Intl.PluralRules) and a
# count in each: gettext's Welsh rule gives 0, 1, 2, 3 and 6 forms of their own, and 4
# falls in "other" in both languages; English uses only "one" and "other".
PLURAL_SAMPLES = (("zero", 0), ("one", 1), ("two", 2), ("few", 3), ("many", 6), ("other", 4))


def character_count_i18n() -> Markup:
    """data-i18n.* attributes for GOV.UK Frontend's character count, in the page's language
    (its own English otherwise shows while a Welsh resident types)."""
    count = "%{count}"  # GOV.UK Frontend's placeholder, filled in by its script
    attributes: dict[str, str] = {
        "characters-at-limit": gettext("You have 0 characters remaining"),
    }
    for category, n in PLURAL_SAMPLES:
        attributes[f"characters-under-limit.{category}"] = ngettext(
            "You have %(count)s character remaining",
            "You have %(count)s characters remaining",
            n,
            count=count,
        )
        attributes[f"characters-over-limit.{category}"] = ngettext(
            "You have %(count)s character too many",
            "You have %(count)s characters too many",
            n,
            count=count,
        )
    return Markup(" ").join(
        Markup('data-i18n.{}="{}"').format(name, text) for name, text in attributes.items()
    )


# --- content in the resident's language ------------------------------------------------

FALLBACK_NOTE = lazy_gettext("This content is not available in Welsh")


def _welsh(obj: Any, field: str) -> Any:
    return getattr(obj, f"{field}_cy", None)


class Localised:
    """A read-only view of a Consultation or a Question in the resident's language: the
    text fields come from their `<field>_cy` column when the page is in Welsh and that
    column is filled, else from the English one (`lang_of` says which, `mark` wraps
    fallback text in lang="en"). Anything else is read from the row itself."""

    TEXT_FIELDS: tuple[str, ...] = ()

    def __init__(self, row: Any, language: str) -> None:
        self._row = row
        self._language = language

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)

    def lang_of(self, field: str) -> str:
        if self._language != LANGUAGES[0] and (_welsh(self._row, field) or "").strip():
            return self._language
        return LANGUAGES[0]

    def text(self, field: str) -> str:
        if self.lang_of(field) != LANGUAGES[0]:
            return str(_welsh(self._row, field))
        return str(getattr(self._row, field) or "")

    def mark(self, field: str) -> Markup:
        """The text, inside <span lang="en"> when it falls back to English on a Welsh page."""
        text = escape(self.text(field))
        if self.lang_of(field) != self._language:
            return Markup('<span lang="{}">{}</span>').format(HTML_LANG[LANGUAGES[0]], text)
        return text

    def falls_back(self, field: str) -> bool:
        return self.lang_of(field) != self._language and bool(getattr(self._row, field, ""))

    @property
    def missing_translation(self) -> bool:
        return any(self.falls_back(field) for field in self.TEXT_FIELDS)


def _translated(field: str) -> Any:
    """A read-only attribute: `field` in the resident's language (see Localised.text)."""
    return property(lambda self: self.text(field), doc=f"The {field} in the page's language.")


class LocalisedQuestion(Localised):
    TEXT_FIELDS = ("prompt", "hint")
    prompt = _translated("prompt")
    hint = _translated("hint")

    @property
    def choices(self) -> list[dict[str, str]]:
        """The options with their Welsh labels where the officer gave them (by position)."""
        from consult.models.consultations import FIXED_CHOICES

        fixed = FIXED_CHOICES.get(self._row.kind)
        if fixed:
            return [{**option, "label": gettext(option["label"])} for option in fixed]
        choices = list(self._row.choices)
        welsh = list(getattr(self._row, "options_cy", None) or [])
        if self._language == LANGUAGES[0] or len(welsh) != len(choices):
            return choices
        return [
            {**option, "label": label or option["label"]}
            for option, label in zip(choices, welsh, strict=True)
        ]

    @property
    def options_fall_back(self) -> bool:
        if self._language == LANGUAGES[0] or self._row.kind in ("likert", "free_text"):
            return False
        welsh = list(getattr(self._row, "options_cy", None) or [])
        return len(welsh) != len(self._row.choices) or not all(welsh)

    @property
    def missing_translation(self) -> bool:
        return super().missing_translation or self.options_fall_back


class LocalisedConsultation(Localised):
    TEXT_FIELDS = ("title", "summary", "background")
    title = _translated("title")
    summary = _translated("summary")
    background = _translated("background")

    @property
    def questions(self) -> list[LocalisedQuestion]:
        return [LocalisedQuestion(q, self._language) for q in self._row.questions]

    @property
    def missing_translation(self) -> bool:
        return super().missing_translation or any(q.missing_translation for q in self.questions)


class LocalisedJury(Localised):
    """A jury's public texts in the page's language (the registration journey, the
    invitation, the juror's home page)."""

    TEXT_FIELDS = ("title", "question", "description")
    title = _translated("title")
    question = _translated("question")
    description = _translated("description")


class LocalisedRound(Localised):
    """A round's juror-facing texts in the page's language."""

    TEXT_FIELDS = ("title", "instructions")
    title = _translated("title")
    instructions = _translated("instructions")


def in_language(item: Any, field: str) -> Markup:
    """`item`'s `field` in the page's language, from a row or a payload dict (a live
    round): its `<field>_cy` on a Welsh page when filled, else the English inside
    lang="en-GB" (the live pages' scripts do the same: live-common.js `inLanguage`)."""

    def read(name: str) -> str:
        value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        return str(value or "")

    language = current_language()
    welsh = read(f"{field}_cy").strip() if language != LANGUAGES[0] else ""
    if welsh:
        return escape(welsh)
    english = read(field)
    if language != LANGUAGES[0] and english:
        return Markup('<span lang="{}">{}</span>').format(HTML_LANG[LANGUAGES[0]], english)
    return escape(english)


def missing_welsh(consultation: Any) -> list[str]:
    """The parts of a consultation (or a jury: title, question, description) with English
    text and no Welsh version, in the words the officer's pages list them ("Question 2:
    hint")."""
    from consult.models import Jury

    if isinstance(consultation, Jury):
        jury = LocalisedJury(consultation, "cy")
        return [field.capitalize() for field in jury.TEXT_FIELDS if jury.falls_back(field)]
    shown = LocalisedConsultation(consultation, "cy")
    missing = [field.capitalize() for field in shown.TEXT_FIELDS if shown.falls_back(field)]
    for number, question in enumerate(shown.questions, start=1):
        parts = [f for f in ("prompt", "hint") if question.falls_back(f)]
        parts += ["options"] if question.options_fall_back else []
        names = {"prompt": "question", "hint": "hint", "options": "options"}
        missing += [f"Question {number}: {names[part]}" for part in parts]
    return missing


def localised(row: Any) -> Any:
    """A Consultation, Question, Jury or Round in the current request's language (see
    Localised)."""
    from consult.models import Consultation, Jury, Round

    classes: dict[type, type[Localised]] = {
        Consultation: LocalisedConsultation,
        Jury: LocalisedJury,
        Round: LocalisedRound,
    }
    return classes.get(type(row), LocalisedQuestion)(row, current_language())


def _template_globals() -> Mapping[str, Any]:
    language = current_language()
    return {
        "current_language": language,
        "html_lang": HTML_LANG[language],
        "language_names": LANGUAGE_NAMES,
        "html_langs": HTML_LANG,
        "browser_strings": browser_strings() if has_request_context() else {},
        "fallback_note": FALLBACK_NOTE,
    }


def register(app: Flask) -> None:
    """Bind Flask-Babel (catalogues in consult/translations) and the language switch."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LANGUAGES[0])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_language)
    app.register_blueprint(bp)
    app.context_processor(_template_globals)
    app.jinja_env.globals["localised"] = localised
    app.jinja_env.globals["in_language"] = in_language
    app.jinja_env.globals["character_count_i18n"] = character_count_i18n
    app.jinja_env.filters["localised"] = localised
    app.jinja_env.globals["missing_welsh"] = missing_welsh


def compile_catalogues(directory: str | None = None) -> list[str]:
    """Compile each messages.po under `directory` (default consult/translations) whose
    messages.mo is missing or older; returns the languages compiled. `make translations`
    and `make test` do the same with pybabel; the test suite calls this so that a plain
    `pytest` on a fresh clone has the catalogues too (the .mo files are not committed)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(directory) if directory else Path(__file__).resolve().parent / "translations"
    compiled = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        compiled.append(po_path.parent.parent.name)
    return compiled
