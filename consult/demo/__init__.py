"""Demo content for the fictional Riverside Borough Council, as plain data (see content.py)."""
