"""The command-line contract of the evidence vault and the ledger (issue 3, "Contract the
checks rely on"), through the real CLI entry point.

Proofs are checked with an RFC 9162 verifier written here from the RFC's text (§2.1.1 and
§2.1.3.2), not with ``dastavez.ledger.merkle``: the contract says someone who has only the
command's output can check it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import wave
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import CliResult
from sqlalchemy import func, select

from dastavez.cli.main import main as cli_main
from dastavez.evidence.vault import blob_store
from dastavez.storage.ledger_tables import LedgerEntry
from dastavez.storage.tables import Exhibit
from dastavez.storage.vault_tables import CustodyEvent

EXHIBIT_NUMBER = re.compile(r"^EXH-(\d{4})-(\d{6})$")


# --- an RFC 9162 verifier of our own ----------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def rfc_tree_hash(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of §2.1.1, by its recursive definition, over the entries' bytes."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return sha256(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2  # the largest power of two smaller than n
    return sha256(b"\x01" + rfc_tree_hash(leaves[:k]) + rfc_tree_hash(leaves[k:]))


def rfc_inclusion_holds(
    leaf_index: int, tree_size: int, leaf_hash: bytes, path: list[bytes], root: bytes
) -> bool:
    """§2.1.3.2, step by step."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = sha256(b"\x01" + r + p)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and r == root


# --- helpers ----------------------------------------------------------------------------------


def make_wav(path: Path, *, seconds: float, rate: int = 8000, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(bytes((i * 7) % 256 for i in range(frames * channels * 2)))
    return path


def one_line_error(result) -> str:
    assert result.code != 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def counts(db) -> tuple[int, int, int]:
    """Exhibits, custody events and ledger entries."""
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t)) for t in (Exhibit, CustodyEvent, LedgerEntry)
        )


def ledger_payloads(db) -> list[bytes]:
    with db.read() as s:
        return [p.encode("utf-8") for p in s.scalars(select(LedgerEntry.payload).order_by(LedgerEntry.idx))]


@pytest.fixture
def recording(tmp_path) -> Path:
    return make_wav(tmp_path / "call-14-may.wav", seconds=3.25)


@pytest.fixture
def exhibit(cli, admin, recording) -> str:
    result = cli(
        "evidence", "add", str(recording), "--kind", "audio", "--title", "Intercepted call", "--json"
    )
    assert result.code == 0, result.stderr
    return result.json["id"]


# --- authority and evidence add ---------------------------------------------------------------


def test_authority_add_then_evidence_add_under_it(cli, admin, recording):
    authority = cli(
        "authority",
        "add",
        "--basis",
        "Investigation for Fair Trial Act 2013 s.10",
        "--reference",
        "W-117/2026",
        "--issued-by",
        "Judge, ATC-I",
        "--valid-from",
        "2026-01-01",
        "--valid-to",
        "2026-12-31",
        "--target",
        "0300 1234567",
        "--target",
        "imei:356938035643809",
        "--json",
    )
    assert authority.code == 0, authority.stderr
    authority_id = authority.json["id"]
    assert authority_id.startswith("AUTH-")
    assert authority.json["targets"] == ["imei:356938035643809", "+923001234567"]

    added = cli(
        "evidence",
        "add",
        str(recording),
        "--kind",
        "audio",
        "--title",
        "Intercepted call",
        "--authority",
        authority_id,
        "--json",
    )
    assert added.code == 0, added.stderr
    data = added.json
    number = EXHIBIT_NUMBER.match(data["id"])
    assert number and int(number.group(1)) == datetime.now(UTC).year
    content = recording.read_bytes()
    assert data["sha256"] == hashlib.sha256(content).hexdigest()
    assert data["size"] == len(content) == recording.stat().st_size
    assert data["media"]["duration_s"] == 3.25
    assert (data["media"]["format"], data["media"]["sample_rate"], data["media"]["channels"]) == (
        "wav",
        8000,
        1,
    )
    shown = cli("evidence", "show", data["id"], "--json").json
    assert (shown["authority"], shown["file_name"], shown["sha256"]) == (
        authority_id,
        "call-14-may.wav",
        data["sha256"],
    )


@pytest.mark.parametrize(
    "kind",
    [
        "audio",
        "video",
        "image",
        "document",
        "cdr",
        "subscriber-record",
        "statement",
        "forensic-report",
        "other",
    ],
)
def test_every_kind_of_the_contract_is_accepted(cli, admin, tmp_path, kind):
    path = tmp_path / "file.bin"
    path.write_bytes(f"content of a {kind} exhibit".encode())
    result = cli("evidence", "add", str(path), "--kind", kind, "--title", f"A {kind}", "--json")
    assert result.code == 0, result.stderr
    assert result.json["media"]["format"]  # always described, whatever the content


def test_the_same_file_twice_is_stored_once_and_refused_the_second_time(
    cli, db, settings, exhibit, recording, tmp_path
):
    copy = tmp_path / "renamed-copy.wav"
    copy.write_bytes(recording.read_bytes())
    before = counts(db)
    error = one_line_error(cli("evidence", "add", str(copy), "--kind", "audio", "--title", "Again", "--json"))
    assert error == f"error: this file is already stored as {exhibit}"
    assert counts(db) == before
    store = blob_store(settings)
    assert list(store.iter_stored()) == [hashlib.sha256(recording.read_bytes()).hexdigest()]
    assert list(store.temp_dir.iterdir()) == []
    blobs = [p for p in (settings.home / "blobs" / "sha256").rglob("*") if p.is_file()]
    assert len(blobs) == 1


def test_bad_input_is_refused_before_the_file_is_stored(cli, db, settings, admin, recording, tmp_path):
    for args in (
        ("--kind", "recording", "--title", "T"),
        ("--kind", "audio", "--title", "T", "--authority", "AUTH-NOPE"),
        ("--kind", "audio", "--title", "T", "--collected-at", "2026-05-14T21:10"),
        ("--kind", "audio", "--title", "T", "--origin", "transcript"),
    ):
        one_line_error(cli("evidence", "add", str(recording), *args, "--json"))
    one_line_error(cli("evidence", "add", str(tmp_path / "no-such.wav"), "--kind", "audio", "--title", "T"))
    assert counts(db)[0] == 0
    assert list(blob_store(settings).iter_stored()) == []


def run(settings, *args: str) -> CliResult:
    """The CLI with other settings than the ``cli`` fixture's."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(list(args), settings=settings)
    return CliResult(code, out.getvalue(), err.getvalue())


def test_a_file_over_the_limit_is_refused_and_leaves_nothing(settings, db, admin, recording):
    small = settings.with_(max_evidence_bytes=recording.stat().st_size - 1)
    error = one_line_error(run(small, "evidence", "add", str(recording), "--kind", "audio", "--title", "T"))
    assert "larger than the limit" in error
    store = blob_store(settings)
    assert list(store.iter_stored()) == [] and list(store.temp_dir.iterdir()) == []
    assert counts(db)[0] == 0


# --- custody ----------------------------------------------------------------------------------


def test_a_transfer(cli, exhibit):
    result = cli("evidence", "custody", exhibit, "--action", "transferred", "--to", "Insp. Rana", "--json")
    assert result.code == 0, result.stderr
    data = result.json
    assert (data["exhibit"], data["action"], data["from"], data["to"], data["holder"], data["state"]) == (
        exhibit,
        "transferred",
        "admin",
        "Insp. Rana",
        "Insp. Rana",
        "held",
    )
    assert data["seq"] == 2


ILLEGAL = {
    "examined after released": (
        [("--action", "released", "--to", "Court registry")],
        ("--action", "examined"),
        "released",
    ),
    "examined after destroyed": ([("--action", "destroyed")], ("--action", "examined"), "destroyed"),
    "transferred after destroyed": (
        [("--action", "destroyed")],
        ("--action", "transferred", "--to", "Insp. Rana"),
        "destroyed",
    ),
    "returned after destroyed": (
        [("--action", "destroyed")],
        ("--action", "returned", "--to", "admin"),
        "destroyed",
    ),
    "unsealed after destroyed": (
        [("--action", "sealed", "--seal", "S-1"), ("--action", "destroyed")],
        ("--action", "unsealed", "--seal", "S-1"),
        "destroyed",
    ),
    "unsealed when not sealed": ([], ("--action", "unsealed", "--seal", "S-1"), "not sealed"),
    "examined while sealed": ([("--action", "sealed", "--seal", "S-1")], ("--action", "examined"), "sealed"),
    "unsealed with another seal": (
        [("--action", "sealed", "--seal", "S-1")],
        ("--action", "unsealed", "--seal", "S-2"),
        "S-1",
    ),
    "time running backwards": ([], ("--action", "examined", "--at", "2020-01-01T10:00+05:00"), "backwards"),
    "time without a zone": ([], ("--action", "examined", "--at", "2026-01-01T10:00"), "time zone"),
    "hand-over to nobody": (
        [],
        (
            "--action",
            "transferred",
        ),
        "--to",
    ),
    "from someone else": ([], ("--action", "transferred", "--to", "X", "--from", "Insp. Rana"), "holder"),
    "collected again": ([], ("--action", "collected", "--to", "X"), "first link"),
}


@pytest.mark.parametrize("case", ILLEGAL, ids=list(ILLEGAL))
def test_an_illegal_transition_is_refused_in_one_line_and_writes_nothing(cli, db, exhibit, case):
    steps, attempt, reason = ILLEGAL[case]
    for step in steps:
        assert cli("evidence", "custody", exhibit, *step, "--json").code == 0
    before = counts(db)
    error = one_line_error(cli("evidence", "custody", exhibit, *attempt, "--json"))
    assert reason in error
    assert counts(db) == before


def test_a_time_in_another_zone_after_the_last_event_is_accepted(cli, exhibit):
    last = datetime.fromisoformat(cli("evidence", "show", exhibit, "--json").json["custody"][-1]["at"])
    later = (last + timedelta(seconds=1)).astimezone(timezone(timedelta(hours=5)))
    result = cli("evidence", "custody", exhibit, "--action", "examined", "--at", later.isoformat(), "--json")
    assert result.code == 0, result.stderr
    assert datetime.fromisoformat(result.json["at"]) == later


def test_a_user_who_neither_holds_nor_manages_cannot_record(cli, db, make_actor, exhibit):
    analyst = make_actor("analyst")
    before = counts(db)
    error = one_line_error(
        cli("--as", analyst.username, "evidence", "custody", exhibit, "--action", "examined")
    )
    assert "current holder" in error
    assert counts(db) == before
    assert cli("evidence", "custody", exhibit, "--action", "transferred", "--to", analyst.username).code == 0
    ok = cli("--as", analyst.username, "evidence", "custody", exhibit, "--action", "examined", "--json")
    assert ok.code == 0, ok.stderr


def test_show_has_the_custody_chain_and_the_verification_status(cli, make_actor, exhibit):
    examiner, reviewer = make_actor("analyst"), make_actor("supervisor")
    cli("evidence", "custody", exhibit, "--action", "transferred", "--to", examiner.username)
    shown = cli("evidence", "show", exhibit, "--json")
    assert shown.code == 0, shown.stderr
    data = shown.json
    assert isinstance(data["custody"], list)
    assert [(e["seq"], e["action"]) for e in data["custody"]] == [(1, "collected"), (2, "transferred")]
    assert data["verification_status"] == "unverified"
    assert (
        cli(
            "--as",
            examiner.username,
            "evidence",
            "examine",
            exhibit,
            "--method",
            "ENF analysis",
            "--result",
            "passed",
        ).code
        == 0
    )
    assert cli("evidence", "show", exhibit, "--json").json["verification_status"] == "pending-review"
    refused = one_line_error(
        cli("--as", examiner.username, "evidence", "review", exhibit, "--decision", "confirmed")
    )
    assert "do not allow" in refused
    reviewed = cli(
        "--as", reviewer.username, "evidence", "review", exhibit, "--decision", "confirmed", "--json"
    )
    assert reviewed.code == 0, reviewed.stderr
    assert reviewed.json["verification_status"] == "verified"
    assert cli("evidence", "show", exhibit, "--json").json["verification_status"] == "verified"


# --- integrity --------------------------------------------------------------------------------


def test_verify_all_names_changed_and_missing_files(cli, settings, tmp_path, exhibit, recording):
    second = tmp_path / "second.wav"
    make_wav(second, seconds=1.0, rate=16000)
    other = cli("evidence", "add", str(second), "--kind", "audio", "--title", "Second call", "--json").json[
        "id"
    ]
    intact = cli("evidence", "verify", "--all", "--json")
    assert intact.code == 0, intact.stderr
    assert (intact.json["ok"], intact.json["problems"], intact.json["checked"]) == (True, [], 2)

    store = blob_store(settings)
    path = store.path_for(hashlib.sha256(recording.read_bytes()).hexdigest())
    os.chmod(path, 0o644)
    with open(path, "r+b") as changed:
        changed.seek(100)
        changed.write(b"\xff")
    broken = cli("evidence", "verify", "--all", "--json")
    assert broken.code == 1
    assert broken.json["ok"] is False
    assert [(p["exhibit"], p["status"]) for p in broken.json["problems"]] == [(exhibit, "changed")]
    assert cli("evidence", "show", exhibit, "--json").json["verification_status"] == "integrity-broken"
    assert cli("evidence", "show", other, "--json").json["verification_status"] == "unverified"

    store.path_for(hashlib.sha256(second.read_bytes()).hexdigest()).unlink()
    both = cli("evidence", "verify", "--all", "--json")
    assert both.code == 1
    assert sorted((p["exhibit"], p["status"]) for p in both.json["problems"]) == sorted(
        [(exhibit, "changed"), (other, "missing")]
    )
    assert cli("evidence", "show", other, "--json").json["verification_status"] == "integrity-broken"
    one_line_error(cli("evidence", "verify"))  # without --all


def test_a_hash_check_at_hand_over_catches_a_changed_file(cli, settings, exhibit, recording):
    ok = cli(
        "evidence", "custody", exhibit, "--action", "transferred", "--to", "Lab", "--check-hash", "--json"
    )
    assert (ok.json["hash_checked"], ok.json["hash_result"]) == (True, "match")
    path = blob_store(settings).path_for(hashlib.sha256(recording.read_bytes()).hexdigest())
    os.chmod(path, 0o644)
    path.write_bytes(recording.read_bytes()[:-1])
    bad = cli(
        "evidence", "custody", exhibit, "--action", "transferred", "--to", "admin", "--check-hash", "--json"
    )
    assert bad.code == 0, bad.stderr
    assert bad.json["hash_result"] == "mismatch"
    assert cli("evidence", "show", exhibit, "--json").json["verification_status"] == "integrity-broken"


# --- ledger -----------------------------------------------------------------------------------


def test_ledger_verify_reports_size_and_the_rfc_root(cli, db, exhibit):
    cli("evidence", "custody", exhibit, "--action", "examined")
    payloads = ledger_payloads(db)
    result = cli("ledger", "verify", "--json")
    assert result.code == 0, result.stderr
    data = result.json
    assert data["ok"] is True and "first_bad_index" not in data
    assert data["size"] == len(payloads)
    assert bytes.fromhex(data["root"]) == rfc_tree_hash(payloads)
    assert len(ledger_payloads(db)) == len(payloads) + 1  # verifying is itself on record


def test_ledger_prove_is_checkable_with_the_rfc_alone(cli, db, exhibit):
    for action in ("examined", "copied", "examined"):
        cli("evidence", "custody", exhibit, "--action", action)
    payloads = ledger_payloads(db)
    size = len(payloads)
    assert size >= 5
    for index in range(size):
        result = cli("ledger", "prove", str(index), "--json")
        assert result.code == 0, result.stderr
        proof = result.json
        assert (proof["index"], proof["size"]) == (index, size)
        leaf = bytes.fromhex(proof["leaf_hash"])
        assert sha256(b"\x00" + proof["entry"].encode("utf-8")) == leaf
        assert proof["entry"].encode("utf-8") == payloads[index]
        path = [bytes.fromhex(node) for node in proof["path"]]
        root = bytes.fromhex(proof["root"])
        assert root == rfc_tree_hash(payloads)
        assert rfc_inclusion_holds(index, size, leaf, path, root)
        # and a proof that is not exactly right does not hold
        assert not rfc_inclusion_holds(index, size, sha256(b"\x00" + b"another entry"), path, root)
        if path:
            flipped = [bytes([path[0][0] ^ 1]) + path[0][1:], *path[1:]]
            assert not rfc_inclusion_holds(index, size, leaf, flipped, root)
            assert not rfc_inclusion_holds(index, size, leaf, path[:-1], root)
    older = cli("ledger", "prove", "1", "--size", "3", "--json").json
    assert bytes.fromhex(older["root"]) == rfc_tree_hash(payloads[:3])
    assert rfc_inclusion_holds(
        1,
        3,
        bytes.fromhex(older["leaf_hash"]),
        [bytes.fromhex(n) for n in older["path"]],
        bytes.fromhex(older["root"]),
    )
    assert "no ledger entry" in one_line_error(cli("ledger", "prove", str(size + 5), "--json"))
