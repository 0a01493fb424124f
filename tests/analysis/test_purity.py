"""`analysis` is a pure library: importing it pulls in no web app, database or consult."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_analysis_loads_no_flask_sqlalchemy_or_consult():
    code = (
        "import sys, analysis, analysis.themes, analysis.coding, analysis.cli, analysis.io\n"
        "import analysis.job, analysis.weights, analysis.representation, analysis.opinion_change\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'consult') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert completed.stdout.strip() == ""


def test_the_lottery_and_the_web_app_do_not_load_the_text_engine_at_start_up(tmp_path):
    """scikit-learn and NLTK load inside an analysis job, not in every web process."""
    code = (
        "import os, sys; os.environ['CONSULT_NO_MONKEY_PATCH'] = '1';"
        "import analysis.sortition, consult;"
        "from consult import create_app;"
        "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://',"
        " 'SOCKETIO_ASYNC_MODE': 'threading', 'SECRET_KEY': 'x',"
        f" 'INSTANCE_PATH': {str(tmp_path)!r}}});"
        "print(sorted(m for m in ('sklearn', 'nltk') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_analysis_themes_is_the_function_even_after_its_module_is_imported():
    code = (
        "import analysis.themes, analysis.sortition\n"
        "from analysis import themes, CodingFrame\n"
        "print(callable(themes) and themes.__name__ == 'themes', CodingFrame.__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.split() == ["True", "CodingFrame"]
