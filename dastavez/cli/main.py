"""Entry point: ``dastavez …``. Errors end as one line on stderr and a non-zero exit."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import typer
from typer.exceptions import TyperException

from dastavez.cli import (
    admin,
    authority,
    cases,
    cdr,
    dedupe,
    demo,
    evidence,
    exports,
    imports,
    ledger,
    links,
    registry,
    screening,
)
from dastavez.cli.context import reset_state
from dastavez.exc import DastavezError
from dastavez.logs import configure
from dastavez.settings import Settings

app = typer.Typer(
    name="dastavez",
    help="dastavez: evidence-grade investigation platform.\n\n"
    "Global options, accepted anywhere on the line: --json (machine-readable output) and "
    "--as USER (act as USER; default $DASTAVEZ_USER or the admin created by init).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
admin.register(app)
registry.register(app)
evidence.register(app)
authority.register(app)
ledger.register(app)
demo.register(app)
imports.register(app)
exports.register(app)
cases.register(app)
screening.register(app)
dedupe.register(app)
cdr.register(app)
links.register(app)

EXIT_INPUT = 1  # bad input or refused action
EXIT_USAGE = 2  # the command line itself is wrong
EXIT_INTERNAL = 70  # a bug: reported in one line, traceback in the log


def split_global_options(argv: Sequence[str]) -> tuple[list[str], bool, str | None]:
    """Lift ``--json`` and ``--as USER`` out of argv (before a ``--`` only)."""
    rest: list[str] = []
    as_json, as_user = False, None
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        if item == "--":
            rest.extend(items[index:])
            break
        if item == "--json":
            as_json = True
        elif item == "--as":
            if index + 1 >= len(items):
                raise TyperException("--as needs a user name")
            as_user = items[index + 1]
            index += 1
        elif item.startswith("--as="):
            as_user = item.removeprefix("--as=")
        else:
            rest.append(item)
        index += 1
    return rest, as_json, as_user


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Run one command; returns the exit code (``run`` exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    state = reset_state(settings)
    configure(state.settings.log_level if state.settings.log_level != "INFO" else "WARNING")
    try:
        args, state.json, state.as_user = split_global_options(args)
        # Without standalone mode, click returns (not raises) the code of a ``typer.Exit(n)``.
        result = app(args=args, prog_name="dastavez", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except DastavezError as err:
        sys.stderr.write(f"error: {err.detail}\n")
        return EXIT_INPUT
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        return EXIT_INPUT
    except TyperException as err:
        if type(err).__name__ == "NoArgsIsHelpError":  # a bare group: show its help
            sys.stderr.write(err.format_message() + "\n")
            return EXIT_USAGE
        sys.stderr.write(f"error: {' '.join(err.format_message().split())} (see --help)\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except Exception as err:  # a bug: one line here, the traceback in the log
        logging.getLogger("dastavez").debug("unexpected error", exc_info=True)
        sys.stderr.write(f"error: internal error ({type(err).__name__}); "
                         "run with DASTAVEZ_LOG_LEVEL=DEBUG for details\n")
        return EXIT_INTERNAL
    finally:
        state.close()


def run() -> None:
    sys.exit(main())
