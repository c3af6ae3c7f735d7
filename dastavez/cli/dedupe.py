"""Duplicate detection commands: ``dedupe``, ``judge``, ``merge``, ``unmerge``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dastavez.cli.context import console, emit, fields, plain, state, table
from dastavez.resolve.dedupe import STATUSES, list_pairs, run_dedupe
from dastavez.resolve.dedupe_defaults import DEFAULT_THRESHOLD
from dastavez.resolve.judgements import DECISIONS, judge_pair
from dastavez.resolve.merge import merge_entities, unmerge_entity

Note = Annotated[str | None, typer.Option(help="Why (kept with the decision and in the audit log).")]


def _show_pairs(data: dict[str, Any]) -> None:
    run = data.get("run")
    if run:
        fields([("persons compared", run["persons"]), ("pairs found", run["pairs_found"]),
                ("new pairs", run["new_pairs"]), ("model trained on the data", run["trained"])])
    table(f"Candidate pairs ({data['status']}, {data['total']} in all)",
          ["weight", "left", "", "right", "", "judgement"],
          [(f"{p['weight']:.1f}", p["left"], p["left_caption"], p["right"], p["right_caption"],
            (p["judgement"] or {}).get("decision", "")) for p in data["pairs"]])
    for pair in data["pairs"][:1]:
        prior = pair["explanation"]["prior_weight"]
        console.print(plain(f"Why {pair['left']} and {pair['right']} (prior {prior}):"))
        for part in pair["explanation"]["features"]:
            console.print(plain(f"  {part['feature']}: {part['left']} / {part['right']}: "
                                f"{part['level']} ({part['weight']:+.1f})"))


def dedupe(
    threshold: Annotated[float, typer.Option(help="Least match weight (log2 odds) of a proposed pair; "
                                             "0 is even odds.")] = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="How many pairs to show.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many pairs.")] = 0,
    status: Annotated[str, typer.Option(help=f"Which pairs to show: {', '.join(STATUSES)}.")] = "open",
    stored: Annotated[bool, typer.Option(help="Show the pairs of the last run without running the "
                                         "model again.")] = False,
) -> None:
    """Find persons in the registry that are probably one person (Splink model), strongest pair first."""
    st = state()
    actor = st.actor()
    run = None if stored else run_dedupe(st.db, actor, threshold=threshold)
    with st.db.write() as session:  # reading the pairs is recorded
        listing = list_pairs(session, actor, status=status, limit=limit, offset=offset)
    emit({"run": run} | listing, _show_pairs)


def judge(
    left: Annotated[str, typer.Argument(help="One entity of the pair (kept on a merge, unless --keep).")],
    right: Annotated[str, typer.Argument(help="The other entity.")],
    decision: Annotated[str, typer.Option(help=f"{', '.join(DECISIONS)}.")],
    note: Note = None,
    keep: Annotated[str | None, typer.Option(help="On a merge, the entity that survives "
                                             "(default LEFT).")] = None,
) -> None:
    """Record a decision on a candidate pair. With permission to merge, a merge decision merges at once;
    without it, it waits for a supervisor."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = judge_pair(session, actor, left=left, right=right, decision=decision, note=note, keep=keep)
    emit(data, _show_judgement)


def _show_judgement(data: dict[str, Any]) -> None:
    if data["merge"]:
        merged = f"{data['merge']['merged']} into {data['merge']['kept']}"
    else:
        merged = "waiting for someone who may merge" if data["awaiting_merge"] else "no"
    fields([("pair", f"{data['left']} / {data['right']}"), ("decision", data["decision"]),
            ("merged", merged)])


def merge(
    kept: Annotated[str, typer.Argument(help="The entity that survives.")],
    merged: Annotated[str, typer.Argument(help="The entity folded into it.")],
    note: Note = None,
) -> None:
    """Merge MERGED into KEPT: its claims move to KEPT, references to it point at KEPT. Undo with unmerge."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = merge_entities(session, actor, kept_id=kept, merged_id=merged, note=note)
    emit(data, lambda d: fields([("merge", d["id"]), ("kept", d["kept"]), ("merged", d["merged"]),
                                 ("claims moved", d["claims"]), ("references repointed", d["references"])]))


def unmerge(
    merged: Annotated[str, typer.Argument(help="The entity merged into another.")],
    note: Note = None,
) -> None:
    """Undo the merge of MERGED: every claim goes back exactly where it was."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = unmerge_entity(session, actor, merged_id=merged, note=note)
    emit(data, lambda d: fields([("merge", d["id"]),
                                 ("undone", f"{d['merged']} is separate from {d['kept']} again")]))


def register(app: typer.Typer) -> None:
    app.command("dedupe")(dedupe)
    app.command("judge")(judge)
    app.command("merge")(merge)
    app.command("unmerge")(unmerge)
