"""What every ``dastavez`` command pays before it runs: the heavy libraries stay unloaded.

DuckDB, Arrow, igraph (communications), Splink (duplicate detection), openpyxl (sheets) and the
media readers cost about three quarters of a second together; the commands that need them
import them when they run.
"""

from __future__ import annotations

import json
import subprocess
import sys

from dastavez.comms.analyses import ANALYSES
from dastavez.comms.choices import ANALYSIS_NAMES

HEAVY = ("duckdb", "pyarrow", "igraph", "splink", "openpyxl", "mutagen", "PIL", "pypdf", "pyspark")


def test_the_command_line_starts_without_the_heavy_libraries():
    probe = (
        "import json, sys; import dastavez.cli.main; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    command = [sys.executable, "-c", probe]  # our own interpreter and a fixed probe
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)  # noqa: S603
    assert json.loads(done.stdout) == []


def test_the_analysis_names_the_help_offers_are_the_analyses():
    assert tuple(sorted(ANALYSES)) == ANALYSIS_NAMES
