"""`analysis` is a pure library: importing it pulls in no web app, database or consult."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_analysis_loads_no_flask_sqlalchemy_or_consult():
    code = (
        "import sys, analysis, analysis.themes, analysis.coding, analysis.cli, analysis.io\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'consult') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert completed.stdout.strip() == ""
