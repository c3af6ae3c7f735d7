"""Exhibit register commands (the evidence vault adds files, custody and verification)."""

from __future__ import annotations

from typing import Annotated

import typer

from dastavez.cli.context import emit, fields, state, table
from dastavez.evidence.exhibits import KINDS, exhibit_view, list_exhibits, register_exhibit, show_exhibit

evidence_app = typer.Typer(help="Exhibits that claims cite.", no_args_is_help=True)


@evidence_app.command("register")
def evidence_register(
    title: Annotated[str, typer.Option(help="What the exhibit is.")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(KINDS)}.")],
    sha256: Annotated[str | None, typer.Option(help="SHA-256 of the file, if known.")] = None,
    description: Annotated[str | None, typer.Option(help="Longer description.")] = None,
    compartment: Annotated[str | None, typer.Option(help="Compartment code.")] = None,
) -> None:
    """Register an exhibit (without a file) and get its number."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(
            exhibit_view(
                register_exhibit(
                    session,
                    actor,
                    title=title,
                    kind=kind,
                    sha256=sha256,
                    description=description,
                    compartment=compartment,
                )
            ),
            lambda d: fields(d.items()),
        )


@evidence_app.command("show")
def evidence_show(exhibit_id: str) -> None:
    """Show an exhibit."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(show_exhibit(session, actor, exhibit_id), lambda d: fields(d.items()))


@evidence_app.command("list")
def evidence_list(page: int = 1, per_page: int = 50) -> None:
    """List exhibits you are cleared to see."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = list_exhibits(session, actor, page=page, per_page=per_page)
    emit(
        data,
        lambda d: table(
            f"Exhibits ({d['total']})",
            ["id", "kind", "title", "compartment"],
            [(e["id"], e["kind"], e["title"], e["compartment"] or "") for e in d["exhibits"]],
        ),
    )


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
