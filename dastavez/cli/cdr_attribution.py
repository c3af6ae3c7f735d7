"""Attribution commands: ``dastavez cdr attribute|attributions|suggestions|accept|reject``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dastavez.cli.context import emit, fields, state, table

Exhibit = Annotated[str | None, typer.Option("--exhibit", help="The subscriber record (EXH-…) it cites.")]
Unsupported = Annotated[
    bool, typer.Option("--unsupported", help="Make it without a subscriber record: shown as unsupported.")
]
From = Annotated[str | None, typer.Option("--from", help="First day it was held (YYYY[-MM[-DD]]).")]
To = Annotated[str | None, typer.Option("--to", help="Last day it was held (YYYY[-MM[-DD]]).")]


def _attributions(data: dict[str, Any]) -> None:
    table(
        f"Attributions ({len(data['attributions'])})",
        ["number", "person", "name", "from", "to", "exhibit", "claim"],
        [
            (a["number"], a["person"], a["person_name"], a["valid_from"] or "", a["valid_to"] or "",
             a["exhibit"] or "unsupported", a["claim"])
            for a in data["attributions"]
        ],
    )


def cdr_attribute(
    number: Annotated[str, typer.Argument(help="The number (E.164, or national for the home region).")],
    person: Annotated[str, typer.Argument(help="The person (PER-…) who held it.")],
    exhibit: Exhibit = None,
    valid_from: From = None,
    valid_to: To = None,
    locator: Annotated[str | None, typer.Option(help="Where in the record (page, row).")] = None,
    unsupported: Unsupported = False,
) -> None:
    """Attribute a number to a person for a window, citing a subscriber record."""
    from dastavez.comms.attribution import attribute
    st = state()
    data = attribute(st.db, st.actor(), st.settings, number=number, person=person, exhibit=exhibit,
                     valid_from=valid_from, valid_to=valid_to, locator=locator, unsupported=unsupported)
    emit(data, lambda d: fields(d.items()))


def cdr_attributions(
    number: Annotated[str | None, typer.Option(help="Who held this number, and when.")] = None,
    person: Annotated[str | None, typer.Option(help="The numbers of this person.")] = None,
) -> None:
    """List attributions: of a number, of a person, or all you may see."""
    from dastavez.comms.attribution import list_attributions
    st = state()
    emit(list_attributions(st.db, st.actor(), st.settings, number=number, person=person), _attributions)


def cdr_suggestions(
    person: Annotated[str | None, typer.Option(help="Only suggestions for this person.")] = None,
    threshold: Annotated[float, typer.Option(help="Least contact overlap (Jaccard) suggested.")] = 0.5,
    min_contacts: Annotated[int, typer.Option(help="Least contacts a number needs.")] = 3,
) -> None:
    """Numbers the call records suggest for attributed persons (IMEI continuity, contact overlap)."""
    from dastavez.comms.suggestions import Thresholds, list_suggestions
    st = state()
    data = list_suggestions(st.db, st.actor(), st.settings, person=person,
                            limits=Thresholds(threshold=threshold, min_contacts=min_contacts))
    emit(data, lambda d: table(
        f"Suggestions ({len(d['suggestions'])})",
        ["id", "number", "person", "score", "why", "first", "last"],
        [
            (s["id"], s["number"], s["person_name"], f"{s['score']:.2f}",
             ", ".join(sorted({r["kind"] for r in s["reasons"]})), s["first"], s["last"])
            for s in d["suggestions"]
        ],
    ))


def cdr_accept(
    suggestion: Annotated[str, typer.Argument(help="The suggestion (SUG-…).")],
    exhibit: Exhibit = None,
    unsupported: Unsupported = False,
    valid_from: From = None,
    valid_to: To = None,
) -> None:
    """Accept a suggestion: it becomes an attribution claim (cite a subscriber record, or --unsupported)."""
    from dastavez.comms.attribution_review import accept_suggestion
    st = state()
    data = accept_suggestion(st.db, st.actor(), st.settings, suggestion=suggestion, exhibit=exhibit,
                             unsupported=unsupported, valid_from=valid_from, valid_to=valid_to)
    emit(data, lambda d: fields(d["attribution"].items()))


def cdr_reject(
    suggestion: Annotated[str, typer.Argument(help="The suggestion (SUG-…).")],
    reason: Annotated[str, typer.Option(help="Why this number is not this person's.")],
) -> None:
    """Reject a suggestion, with the reason; it is not suggested again."""
    from dastavez.comms.attribution_review import reject_suggestion
    st = state()
    data = reject_suggestion(st.db, st.actor(), st.settings, suggestion=suggestion, reason=reason)
    emit(data, lambda d: fields(d.items()))


def attach(cdr_app: typer.Typer) -> None:
    """Add the attribution commands to the ``cdr`` group."""
    cdr_app.command("attribute")(cdr_attribute)
    cdr_app.command("attributions")(cdr_attributions)
    cdr_app.command("suggestions")(cdr_suggestions)
    cdr_app.command("accept")(cdr_accept)
    cdr_app.command("reject")(cdr_reject)
