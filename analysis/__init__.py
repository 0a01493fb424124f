"""Analysis of consultation and jury material: a pure library (no Flask, no database).

Themes for free-text answers (`themes`, `cluster_ideas`), a coding frame officers train
on approved themes (`CodingFrame`), and — in sibling modules — sentiment, duplicates and
campaigns, and opinion groups from votes. Everything takes and returns plain data.
"""

from analysis.coding import Coded, CodingFrame
from analysis.themes import (
    NO_COMMENT_THEME,
    Assignment,
    IdeaClusters,
    IdeaTheme,
    ProgressCallback,
    Theme,
    ThemeResult,
    cluster_ideas,
    themes,
)

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
