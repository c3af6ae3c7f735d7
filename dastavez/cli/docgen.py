"""Generate ``docs/cli.md`` from the commands themselves, so the reference cannot drift.

``python -m dastavez.cli.docgen > docs/cli.md``; a test fails when the file is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import typer
from typer.main import get_command

HEADER = """# Command-line reference

Generated from the commands' own help by `python -m dastavez.cli.docgen > docs/cli.md`;
`tests/test_docs.py` fails when this file is out of date.

Global options, accepted anywhere on the line: `--json` prints machine-readable output;
`--as USER` acts as USER (default `$DASTAVEZ_USER`, else the `admin` created by `init`).
Every command exits 0 on success, 1 with one line on stderr (`error: …`) when the input
is refused, and 2 when the command line itself is wrong.
"""


def _walk(command: Any, path: list[str]) -> Iterator[str]:  # a click-style command or group
    ctx = typer.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
    if path[1:]:
        yield f"\n## `{' '.join(path)}`\n"
        yield "```text"
        yield command.get_help(ctx).rstrip()
        yield "```"
    commands = getattr(command, "commands", None)
    if commands:
        for name in sorted(commands):
            yield from _walk(commands[name], [*path, name])


def render() -> str:
    from dastavez.cli.main import app

    root = get_command(app)
    return HEADER + "\n".join(_walk(root, ["dastavez"])) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
