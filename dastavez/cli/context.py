"""What every command needs: settings, the database, the acting user, and output.

``--json`` and ``--as USER`` are global: they may stand anywhere on the command line
(``main.run`` lifts them out before Typer parses the rest).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dastavez.access.actor import Actor
from dastavez.access.users import actor_for
from dastavez.settings import Settings
from dastavez.storage.engine import Database

DEFAULT_CLI_USER = "admin"


@dataclass
class CliState:
    json: bool = False
    as_user: str | None = None
    settings: Settings = field(default_factory=Settings.from_env)

    @cached_property
    def db(self) -> Database:
        return Database(self.settings)

    @property
    def username(self) -> str:
        return self.as_user or self.settings.cli_user or DEFAULT_CLI_USER

    def actor(self) -> Actor:
        """The CLI trusts whoever can read DASTAVEZ_HOME to act as a named user; every
        action is still attributed to that user and audited with interface ``cli``."""
        with self.db.read() as session:
            return actor_for(session, self.username, interface="cli", client="cli")

    def close(self) -> None:
        if "db" in self.__dict__:
            self.db.dispose()


STATE = CliState()
console = Console(highlight=False, soft_wrap=False)


def reset_state(settings: Settings | None = None) -> CliState:
    """A fresh state per invocation (tests call the CLI many times in one process)."""
    global STATE
    STATE.close()
    STATE = CliState(settings=settings or Settings.from_env())
    return STATE


def state() -> CliState:
    return STATE


def plain(value: Any) -> Text:
    """User-supplied text as literal Rich text: ``[bold]`` in a name is not markup."""
    return Text("" if value is None else str(value))


def emit(data: Any, render: Callable[[Any], None] | None = None) -> None:
    if STATE.json or render is None:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        render(data)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    grid = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*[plain(cell) for cell in row])
    console.print(grid)


def fields(pairs: Iterable[tuple[str, Any]]) -> None:
    for label, value in pairs:
        line = Text(f"{label}: ", style="bold")
        line.append_text(plain(value))
        console.print(line)
