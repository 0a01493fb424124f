"""The officer workspace: analysis jobs, theme review, exports, council responses."""
