"""Evidence commands: files, the register, custody, verification and integrity."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from dastavez.cli.context import emit, fields, state, table
from dastavez.evidence import custody, verification
from dastavez.evidence.blobs import StoredBlob
from dastavez.evidence.exhibits import KINDS, exhibit_view, register_exhibit, visible_exhibit
from dastavez.evidence.integrity import verify_all
from dastavez.evidence.listing import list_evidence
from dastavez.evidence.vault import (
    ORIGINS,
    EvidenceInput,
    add_evidence,
    blob_store,
    check_file_at_handover,
    check_inputs,
    show_evidence,
    store_file,
)
from dastavez.exc import InvalidInput

evidence_app = typer.Typer(help="Exhibits: files, custody, verification and integrity.", no_args_is_help=True)


def parse_when(raw: str | None, field: str) -> datetime | None:
    """An ISO 8601 time with its zone (``2026-05-01T14:30+05:00``); custody times must not guess one."""
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError as err:
        raise InvalidInput(
            f"--{field} must be an ISO 8601 time such as 2026-05-01T14:30+05:00", field=field
        ) from err
    if value.tzinfo is None:
        raise InvalidInput(
            f"--{field} needs a time zone, e.g. 2026-05-01T14:30+05:00 or …Z for UTC", field=field
        )
    return value


def _stored_with_progress(path: Path, size: int) -> StoredBlob:
    st = state()
    store = blob_store(st.settings)
    with open(path, "rb", buffering=0) as stream:
        if st.json or not sys.stderr.isatty():
            return store_file(store, stream, settings=st.settings)
        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with progress:
            task = progress.add_task(f"storing {path.name}", total=size)
            return store_file(
                store,
                stream,
                settings=st.settings,
                progress=lambda done: progress.update(task, completed=done),
            )


@evidence_app.command("add")
def evidence_add(
    file: Annotated[Path, typer.Argument(help="The evidence file (any size: it is streamed).")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(KINDS)}.")],
    title: Annotated[str, typer.Option(help="What the exhibit is.")],
    authority: Annotated[
        str | None, typer.Option(help="Legal authority (AUTH-…) it was obtained under.")
    ] = None,
    description: Annotated[str | None, typer.Option(help="Longer description.")] = None,
    origin: Annotated[str, typer.Option(help=f"One of: {', '.join(ORIGINS)}.")] = "original",
    parent: Annotated[
        str | None, typer.Option(help="The exhibit a copy or derivative was made from.")
    ] = None,
    collected_at: Annotated[
        str | None, typer.Option(help="When it was collected (ISO 8601 with zone).")
    ] = None,
    collected_by: Annotated[str | None, typer.Option(help="Who collected it (default: you).")] = None,
    place: Annotated[str | None, typer.Option(help="Where it was collected.")] = None,
    tool: Annotated[str | None, typer.Option(help="Tool or method used to collect it.")] = None,
    target: Annotated[
        list[str] | None, typer.Option(help="Number (or imei:/imsi:/account:) it is about; repeatable.")
    ] = None,
    compartment: Annotated[str | None, typer.Option(help="Compartment code.")] = None,
) -> None:
    """Store a file as a new exhibit: hashed, its media read, its custody opened."""
    from dastavez.evidence.media import read_media
    st = state()
    actor = st.actor()
    data = EvidenceInput(
        title=title,
        kind=kind,
        description=description,
        compartment=compartment,
        origin=origin,
        parent=parent,
        authority=authority,
        collected_at=parse_when(collected_at, "collected-at"),
        collected_by=collected_by,
        collected_place=place,
        collection_tool=tool,
        targets=tuple(target or ()),
        file_name=file.name,
    )
    if not file.is_file():
        raise InvalidInput(f"no file {str(file)!r}", field="file")
    with st.db.read() as session:
        check_inputs(session, actor, data, settings=st.settings)
    blob = _stored_with_progress(file, file.stat().st_size)
    media = read_media(blob_store(st.settings).path_for(blob.sha256), kind=kind)
    # Should this fail now (a race with another writer), the stored file stays: it may be the
    # same content another upload is registering; `evidence verify --all` lists true orphans.
    with st.db.write() as session:
        view = exhibit_view(add_evidence(session, actor, data, blob=blob, media=media, settings=st.settings))
    view.update(sha512=blob.sha512, size=blob.size, media=media, stored_new_file=blob.created)
    emit(view, lambda d: fields(d.items()))


@evidence_app.command("register")
def evidence_register(
    title: Annotated[str, typer.Option(help="What the exhibit is.")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(KINDS)}.")],
    sha256: Annotated[str | None, typer.Option(help="SHA-256 of the file, if known.")] = None,
    description: Annotated[str | None, typer.Option(help="Longer description.")] = None,
    compartment: Annotated[str | None, typer.Option(help="Compartment code.")] = None,
) -> None:
    """Register an exhibit without a file (a physical item) and get its number."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        exhibit = register_exhibit(
            session,
            actor,
            title=title,
            kind=kind,
            sha256=sha256,
            description=description,
            compartment=compartment,
        )
        emit(exhibit_view(exhibit), lambda d: fields(d.items()))


def _render_show(data: dict[str, Any]) -> None:
    listed = ("custody", "verifications", "media", "derived", "corroboration")
    fields((k, v) for k, v in data.items() if k not in listed)
    fields(("media", f"{k}={v}") for k, v in data["media"].items())
    table(
        "Chain of custody",
        ["#", "action", "from", "to", "at", "hash"],
        [
            (e["seq"], e["action"], e["from"] or "", e["to"] or "", e["at"], e["hash_result"] or "")
            for e in data["custody"]
        ],
    )
    if data.get("verifications"):
        table(
            "Verifications",
            ["method", "result", "examiner", "at", "review"],
            [
                (v["method"], v["result"], v["examiner"], v["at"],
                 f"{v['review_decision']} by {v['reviewer']}" if v.get("review_decision") else "pending")
                for v in data["verifications"]
            ],
        )
    if data.get("corroboration"):
        table(
            "Checked against call records",
            ["result", "caller", "callee", "start", "seconds", "matches", "by"],
            [
                (c["result"], c["claimed"]["caller"], c["claimed"]["callee"], c["claimed"]["start"],
                 c["claimed"]["duration_s"], len(c["matches"] or []), c["checked_by"])
                for c in data["corroboration"]
            ],
        )


@evidence_app.command("show")
def evidence_show(exhibit_id: str) -> None:
    """Show an exhibit with its custody chain, verifications and flags."""
    st = state()
    actor = st.actor()
    with st.db.audited_read() as session:
        data = show_evidence(session, actor, exhibit_id)
    emit(data, _render_show)


@evidence_app.command("list")
def evidence_list(
    page: int = 1,
    per_page: int = 50,
    flagged: Annotated[
        bool, typer.Option(help="Only exhibits flagged against their legal authority.")
    ] = False,
) -> None:
    """List exhibits you are cleared to see, with verification status and flags."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = list_evidence(session, actor, page=page, per_page=per_page, flagged=flagged)
    emit(
        data,
        lambda d: table(
            f"Exhibits ({d['total']})",
            ["id", "kind", "title", "status", "custody", "flags"],
            [
                (
                    e["id"],
                    e["kind"],
                    e["title"],
                    e["verification_label"],
                    e["custody_state"],
                    "; ".join(e["flags"]),
                )
                for e in d["exhibits"]
            ],
        ),
    )


@evidence_app.command("custody")
def evidence_custody(
    exhibit_id: str,
    action: Annotated[str, typer.Option(help=f"One of: {', '.join(custody.ACTIONS)}.")],
    to: Annotated[str | None, typer.Option("--to", help="Who receives it (hand-overs).")] = None,
    from_holder: Annotated[
        str | None, typer.Option("--from", help="Who hands it over (must hold it).")
    ] = None,
    at: Annotated[str | None, typer.Option(help="When (ISO 8601 with zone; default now).")] = None,
    place: Annotated[str | None, typer.Option(help="Where.")] = None,
    purpose: Annotated[str | None, typer.Option(help="Why.")] = None,
    seal: Annotated[str | None, typer.Option(help="Seal number (sealing, unsealing).")] = None,
    note: Annotated[str | None, typer.Option(help="Anything else.")] = None,
    check_hash: Annotated[bool, typer.Option(help="Re-hash the stored file and record the result.")] = False,
) -> None:
    """Record a custody event; a break in the chain is refused with the rule it breaks."""
    st = state()
    actor = st.actor()
    hash_check = None
    if check_hash:
        hash_check = check_file_at_handover(st.db, actor, exhibit_id, settings=st.settings)
    with st.db.write() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        event = custody.record_event(
            session,
            actor,
            exhibit,
            action=action,
            to_holder=to,
            from_holder=from_holder,
            occurred_at=parse_when(at, "at"),
            place=place,
            purpose=purpose,
            seal_number=seal,
            note=note,
            hash_check=hash_check,
        )
        data = custody.event_view(event) | {
            "exhibit": exhibit.id,
            "holder": exhibit.holder,
            "state": exhibit.custody_state,
        }
    emit(data, lambda d: fields(d.items()))


@evidence_app.command("examine")
def evidence_examine(
    exhibit_id: str,
    method: Annotated[str, typer.Option(help="How it was verified (e.g. 'voice comparison, ENF analysis').")],
    result: Annotated[str, typer.Option(help=f"One of: {', '.join(verification.RESULTS)}.")],
    report: Annotated[str | None, typer.Option(help="The examiner's report, as an exhibit.")] = None,
    note: Annotated[str | None, typer.Option(help="Findings in brief.")] = None,
) -> None:
    """Record your verification of an exhibit (a second person must review it)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        done = verification.record_verification(
            session, actor, exhibit, method=method, result=result, report_exhibit_id=report, note=note
        )
        data = verification.verification_view(done) | {"exhibit": exhibit.id}
    emit(data, lambda d: fields(d.items()))


@evidence_app.command("review")
def evidence_review(
    exhibit_id: str,
    decision: Annotated[str, typer.Option(help=f"One of: {', '.join(verification.DECISIONS)}.")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Review the latest verification of an exhibit (supervisor or custodian, not the examiner)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        done = verification.review_verification(session, actor, exhibit, decision=decision, note=note)
        data = verification.verification_view(done) | {
            "exhibit": exhibit.id,
            "verification_status": verification.status_of(exhibit, done),
        }
    emit(data, lambda d: fields(d.items()))


@evidence_app.command("verify")
def evidence_verify(
    all_files: Annotated[bool, typer.Option("--all", help="Re-hash every stored file.")] = False,
) -> None:
    """Re-hash stored evidence files and name any that changed or vanished (exit 1 if any)."""
    if not all_files:
        raise InvalidInput("say --all: every stored file is re-hashed", field="all")
    st = state()
    report = verify_all(st.db, st.actor(), blob_store(st.settings))
    verdict = "all intact" if report.ok else f"{len(report.problems)} problems"
    emit(
        report.as_dict(),
        lambda d: table(
            f"{d['checked']} files checked: {verdict}",
            ["exhibit", "status", "detail"],
            [(p["exhibit"] or "", p["status"], p["detail"]) for p in d["problems"]],
        ),
    )
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    from dastavez.cli import evidence_corroborate  # imports this module's parse_when

    evidence_corroborate.attach(evidence_app)
    app.add_typer(evidence_app, name="evidence")
