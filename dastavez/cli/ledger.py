"""Ledger commands: verify the whole history, prove one entry, sign a checkpoint."""

from __future__ import annotations

from typing import Annotated

import typer

from dastavez.access import audit
from dastavez.cli.context import emit, fields, state
from dastavez.ledger import log
from dastavez.ledger.checkpoints import signing_key
from dastavez.ledger.verify import verify_ledger

ledger_app = typer.Typer(help="The tamper-evident ledger (RFC 9162 Merkle log).", no_args_is_help=True)


@ledger_app.command("verify")
def ledger_verify() -> None:
    """Recompute every entry, node and checkpoint; name the first entry that does not match (exit 1)."""
    st = state()
    actor = st.actor()
    actor.require("ledger.read")
    with st.db.read() as session:
        report = verify_ledger(session, st.settings)
    with st.db.write() as session:
        audit.record(session, actor, "ledger.verify", detail={"ok": report.ok, "size": report.size})
    emit(report.as_dict(), lambda d: fields(d.items()))
    if not report.ok:
        raise typer.Exit(1)


@ledger_app.command("prove")
def ledger_prove(
    index: int,
    size: Annotated[
        int | None, typer.Option(help="Tree size to prove against (default: the current size).")
    ] = None,
) -> None:
    """Inclusion proof of entry INDEX: leaf hash, audit path and root, checkable with RFC 9162 alone."""
    st = state()
    actor = st.actor()
    actor.require("ledger.read")
    with st.db.read() as session:
        proof = log.prove_inclusion(session, index, size=size)
    emit(proof.as_dict(), lambda d: fields(d.items()))


@ledger_app.command("checkpoint")
def ledger_checkpoint() -> None:
    """Sign a checkpoint of the ledger now (one is also signed every DASTAVEZ_CHECKPOINT_EVERY entries)."""
    st = state()
    actor = st.actor()
    actor.require("ledger.checkpoint")
    with st.db.write() as session:
        checkpoint = log.checkpoint_now(session, st.settings)
        data = {"size": checkpoint.size, "root": bytes(checkpoint.root).hex(), "note": checkpoint.note}
    emit(data, lambda d: typer.echo(d["note"], nl=False))


@ledger_app.command("key")
def ledger_key() -> None:
    """The public key that checks this installation's checkpoints (Go note verifier format)."""
    st = state()
    st.actor().require("ledger.read")
    emit({"verifier_key": signing_key(st.settings).verifier_key()}, lambda d: typer.echo(d["verifier_key"]))


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
