"""The code version a saved analysis records: the package version and, in a git checkout, its
``git describe`` (so a result can be traced to the exact code that made it)."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

import dastavez


@lru_cache(maxsize=1)
def _git_describe() -> str | None:
    root = Path(dastavez.__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(  # fixed argv, no shell, our own repository
            ["git", "describe", "--always", "--dirty", "--tags"],  # noqa: S607  # git found on PATH
            cwd=root, capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    described = done.stdout.strip()
    return described if done.returncode == 0 and described else None


def code_version() -> dict[str, str | None]:
    return {"dastavez": dastavez.__version__, "git": _git_describe()}
