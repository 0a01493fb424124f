"""Consultation background text: Markdown rendered safely (raw HTML off, then sanitised)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
GOVUK_CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "a": "govuk-link",
    "table": "govuk-table",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "tr": "govuk-table__row",
}


def render_markdown(text: str) -> Markup:
    """HTML for officer-written Markdown: no raw HTML, only safe tags and http(s)/mailto
    links (with rel="noopener noreferrer"), GOV.UK typography classes added."""
    html = _markdown.render(text or "")
    for tag, classes in GOVUK_CLASSES.items():
        html = html.replace(f"<{tag}>", f'<{tag} class="{classes}">')
    html = html.replace("<a href=", '<a class="govuk-link" href=')
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={**{t: {"class"} for t in GOVUK_CLASSES}, "a": {"href", "title", "class"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)
