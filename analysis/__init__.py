"""Analysis of consultation and jury material: a pure library (no Flask, no database).

Themes for free-text answers (`themes`, `cluster_ideas`), a coding frame officers train
on approved themes (`CodingFrame`), and — in sibling modules — sentiment, duplicates and
campaigns, and opinion groups from votes. Everything takes and returns plain data.
"""

import sys
import types
from typing import TYPE_CHECKING, Any

# Loaded on first use: `import analysis.sortition` (the jury lottery) must not pull in
# scikit-learn and NLTK, which the web app only needs inside an analysis job.
_EXPORTS = {
    "Coded": "analysis.coding",
    "CodingFrame": "analysis.coding",
    "NO_COMMENT_THEME": "analysis.themes",
    "Assignment": "analysis.themes",
    "IdeaClusters": "analysis.ideas",
    "IdeaTheme": "analysis.ideas",
    "ProgressCallback": "analysis.themes",
    "Theme": "analysis.themes",
    "ThemeResult": "analysis.themes",
    "cluster_ideas": "analysis.ideas",
    "themes": "analysis.themes",
}

if TYPE_CHECKING:
    from analysis.coding import Coded, CodingFrame
    from analysis.ideas import IdeaClusters, IdeaTheme, cluster_ideas
    from analysis.themes import (
        NO_COMMENT_THEME,
        Assignment,
        ProgressCallback,
        Theme,
        ThemeResult,
        themes,
    )


class _Package(types.ModuleType):
    """Once `analysis.themes` (the module) is imported, the import system sets the package's
    `themes` attribute to it; the public `analysis.themes` is the function, so keep that."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "NO_COMMENT_THEME",
    "Assignment",
    "Coded",
    "CodingFrame",
    "IdeaClusters",
    "IdeaTheme",
    "ProgressCallback",
    "Theme",
    "ThemeResult",
    "cluster_ideas",
    "themes",
]
