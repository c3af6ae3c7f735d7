"""Signed checkpoints: the C2SP signed-note format, Go's key texts, and every refusal."""

from __future__ import annotations

import base64
import hashlib
import re
import stat

import pytest

from dastavez.ledger.merkle import leaf_hash
from dastavez.ledger.note import (
    Checkpoint,
    InvalidCheckpoint,
    InvalidKey,
    SigningKey,
    VerifierKey,
    open_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
)

ORIGIN = "dastavez.example/ledger"
ROOT = leaf_hash(b"a root stand-in")
ROOT64 = base64.b64encode(ROOT).decode()
CHECKPOINT = Checkpoint(ORIGIN, 42, ROOT)

# The example of golang.org/x/mod/sumdb/note's documentation: Ed25519 is deterministic,
# so our signer must reproduce Go's keys and signature byte for byte.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
GO_SIG = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate("dastavez-test")


def test_a_signed_checkpoint_opens_to_itself(key):
    note = sign_checkpoint(CHECKPOINT, key)
    body = f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert CHECKPOINT.body() == body
    assert note.startswith(body + "\n— dastavez-test ")
    assert note.endswith("\n") and note.count("\n") == 5
    verifier = parse_verifier_key(key.verifier_key())
    assert open_checkpoint(note, verifier) == CHECKPOINT
    assert open_checkpoint(note, verifier, origin=ORIGIN) == CHECKPOINT


def test_extension_lines_are_signed_and_kept(key):
    checkpoint = Checkpoint(ORIGIN, 7, ROOT, ("Timestamp: 1700000000",))
    note = sign_checkpoint(checkpoint, key)
    assert open_checkpoint(note, key.verifier) == checkpoint
    tampered = note.replace("1700000000", "1700000001")
    with pytest.raises(InvalidCheckpoint, match="does not match"):
        open_checkpoint(tampered, key.verifier)


def test_key_id_is_the_first_four_bytes_of_the_hash_of_name_and_key(key):
    public = key.verifier.public_key
    expected = hashlib.sha256(b"dastavez-test\n\x01" + public).digest()[:4]
    assert key.key_id == int.from_bytes(expected, "big")
    key64 = base64.b64encode(b"\x01" + public).decode()
    assert key.verifier_key() == f"dastavez-test+{expected.hex()}+{key64}"
    signature_line = sign_checkpoint(CHECKPOINT, key).splitlines()[-1]
    blob = base64.b64decode(signature_line.split(" ")[-1])
    assert blob[:4] == expected and len(blob) == 4 + 64


def test_go_note_example_is_reproduced_byte_for_byte():
    key = SigningKey.from_text(GO_SKEY)
    assert key.text() == GO_SKEY
    assert key.verifier_key() == GO_VKEY
    assert key.sign_note(GO_TEXT) == f"{GO_TEXT}\n— PeterNeumann {GO_SIG}\n"
    verifier = parse_verifier_key(GO_VKEY)
    assert verifier.key_id == 0xC74F20A3 and verifier == key.verifier


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda n: n.replace("\n42\n", "\n43\n"), "does not match"),
        (lambda n: n.replace(ORIGIN, ORIGIN + "x"), "does not match"),
        (lambda n: n.replace(ROOT64, base64.b64encode(ROOT[::-1]).decode()), "does not match"),
        (lambda n: "\n" + n, "does not match"),
        (lambda n: n.replace("\n\n", "\n"), "not a body"),
        (lambda n: n[:-1], "not a body"),
        (lambda n: n.replace("— ", "-- "), "malformed signature line"),
        (lambda n: n.replace("— ", "—"), "malformed signature line"),
        (lambda n: n.replace("— dastavez-test", "— dastavez+test"), "malformed signature line"),
        (lambda n: n.replace("— dastavez-test", "— dastavez test"), "not standard base64"),
        (lambda n: n.replace("\n\n", "\n\n\n"), "does not match"),  # the extra newline joins the signed body
        (lambda n: n[: n.index("\n\n") + 2], "no signature lines"),
        (lambda n: n.replace("\n\n", "\n\r\n"), "control characters"),
        (lambda n: n.replace(ORIGIN, ORIGIN + "\ud800"), "not UTF-8"),
        (lambda n: n[:-3] + "!=\n", "not standard base64"),
        (lambda n: n + "— dastavez-test AAAA\n", "too short"),
        (lambda n: n + "— other-key AAAAAA==\n" * 100, "more than 100"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_changed_or_malformed_note_is_refused_with_its_reason(key, change, reason):
    note = sign_checkpoint(CHECKPOINT, key)
    with pytest.raises(InvalidCheckpoint, match=reason):
        open_checkpoint(change(note), key.verifier)


def test_a_second_bad_signature_by_the_same_key_is_refused(key):
    note = sign_checkpoint(CHECKPOINT, key)
    other = sign_checkpoint(Checkpoint(ORIGIN, 43, ROOT), key)
    with pytest.raises(InvalidCheckpoint, match="does not match"):
        open_checkpoint(note + other.splitlines()[-1] + "\n", key.verifier)


def test_another_key_is_not_trusted_even_under_the_same_name(key):
    impostor = SigningKey.generate("dastavez-test")
    note = sign_checkpoint(CHECKPOINT, impostor)
    with pytest.raises(InvalidCheckpoint, match="not signed by key dastavez-test"):
        open_checkpoint(note, key.verifier)
    stranger = SigningKey.generate("stranger")
    with pytest.raises(InvalidCheckpoint, match="not signed by key"):
        open_checkpoint(sign_checkpoint(CHECKPOINT, stranger), key.verifier)


def test_same_name_and_key_id_with_a_forged_signature_is_a_bad_signature(key):
    note = sign_checkpoint(CHECKPOINT, key)
    body, line = note.rsplit("\n\n", 1)
    name, sig64 = line.removeprefix("— ").rstrip("\n").split(" ")
    blob = bytearray(base64.b64decode(sig64))
    blob[10] ^= 1
    forged = f"{body}\n\n— {name} {base64.b64encode(bytes(blob)).decode()}\n"
    with pytest.raises(InvalidCheckpoint, match="does not match"):
        open_checkpoint(forged, key.verifier)


def test_cosignatures_by_other_keys_are_ignored(key):
    witness = SigningKey.generate("witness.example")
    note = sign_checkpoint(CHECKPOINT, key)
    cosigned = note + witness.sign_note(CHECKPOINT.body()).splitlines()[-1] + "\n"
    assert open_checkpoint(cosigned, key.verifier) == CHECKPOINT
    assert open_checkpoint(cosigned, witness.verifier) == CHECKPOINT


def test_a_wrong_origin_is_refused(key):
    note = sign_checkpoint(CHECKPOINT, key)
    expected = re.escape("origin 'dastavez.example/ledger' is not 'elsewhere'")
    with pytest.raises(InvalidCheckpoint, match=expected):
        open_checkpoint(note, key.verifier, origin="elsewhere")


@pytest.mark.parametrize("size_line", ["01", "-1", "+1", "1.0", " 1", "1 ", "١٢", "0x1", "1_0", str(2**64)])
def test_a_signed_body_with_a_bad_size_line_is_refused(key, size_line):
    note = key.sign_note(f"{ORIGIN}\n{size_line}\n{base64.b64encode(ROOT).decode()}\n")
    with pytest.raises(InvalidCheckpoint, match="size line"):
        open_checkpoint(note, key.verifier)


@pytest.mark.parametrize(
    ("root_line", "reason"),
    [
        ("not base64!", "not standard base64"),
        (base64.b64encode(ROOT).decode().rstrip("="), "not standard base64"),
        (base64.urlsafe_b64encode(b"\xff" * 32).decode(), "not standard base64"),
        (base64.b64encode(ROOT).decode()[:-2] + "1=", "not standard base64"),  # non-zero padding bits
        (base64.b64encode(ROOT[:31]).decode(), "31 bytes"),
    ],
)
def test_a_signed_body_with_a_bad_root_is_refused(key, root_line, reason):
    note = key.sign_note(f"{ORIGIN}\n5\n{root_line}\n")
    with pytest.raises(InvalidCheckpoint, match=reason):
        open_checkpoint(note, key.verifier)


@pytest.mark.parametrize("body", [f"{ORIGIN}\n5\n", f"{ORIGIN}\n"])
def test_a_signed_body_that_is_no_checkpoint_is_refused(key, body):
    with pytest.raises(InvalidCheckpoint, match="not origin, size and root"):
        open_checkpoint(key.sign_note(body), key.verifier)


def test_every_refusal_is_one_line(key):
    note = key.sign_note(f"{ORIGIN}\n{'9' * 500}\n{base64.b64encode(ROOT).decode()}\n")
    with pytest.raises(InvalidCheckpoint) as raised:
        open_checkpoint(note, key.verifier)
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 120


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("", 1, ROOT), "empty"),
        (("a\nb", 1, ROOT), "control"),
        ((ORIGIN, -1, ROOT), "size"),
        ((ORIGIN, 2**64, ROOT), "size"),
        ((ORIGIN, 1, ROOT[:16]), "32 bytes"),
        ((ORIGIN, 1, ROOT, ("",)), "empty"),
    ],
)
def test_a_checkpoint_that_cannot_be_written_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        Checkpoint(*fields)


def test_the_key_file_is_private_and_round_trips(key, tmp_path):
    path = tmp_path / "ledger.key"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == key.text() + "\n"
    assert path.read_text().startswith(f"PRIVATE+KEY+dastavez-test+{key.key_id:08x}+")
    loaded = SigningKey.load(path)
    assert loaded.verifier_key() == key.verifier_key()
    assert open_checkpoint(sign_checkpoint(CHECKPOINT, loaded), key.verifier) == CHECKPOINT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.key"]  # no temporary left behind


def test_saving_keeps_an_existing_key_unless_told(key, tmp_path):
    path = tmp_path / "ledger.key"
    key.save(path)
    other = SigningKey.generate("other")
    with pytest.raises(FileExistsError):
        other.save(path)
    assert SigningKey.load(path).key_id == key.key_id
    other.save(path, overwrite=True)
    assert SigningKey.load(path).key_id == other.key_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.key"]


def _go_vkey_with(name: str = "PeterNeumann", hex8: str = "c74f20a3", data: bytes | None = None) -> str:
    key = base64.b64decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") if data is None else data
    return f"{name}+{hex8}+{base64.b64encode(key).decode()}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PeterNeumann+c74f20a3", "is not <name>"),
        (_go_vkey_with(hex8="c74f20a4"), "does not match"),
        (_go_vkey_with(hex8="C74F20A3"), "8 lowercase hex"),
        (_go_vkey_with(name="Peter Neumann"), "key name"),
        (_go_vkey_with(name=""), "key name"),
        (_go_vkey_with(data=b"\x02" + bytes(32)), "not an Ed25519 key"),
        (_go_vkey_with(data=b"\x01" + bytes(31)), "not an Ed25519 key"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=", "base64"),
    ],
)
def test_a_malformed_verifier_key_is_refused(text, message):
    with pytest.raises(InvalidKey, match=message):
        parse_verifier_key(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GO_VKEY, "is not PRIVATE"),
        ("PRIVATE+KEY+PeterNeumann+00000000+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "does not match"),
        ("PRIVATE+KEY+Peter+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "does not match"),
        ("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV", "not an Ed25519 key"),
    ],
)
def test_a_malformed_signing_key_is_refused(text, message):
    with pytest.raises(InvalidKey, match=message):
        SigningKey.from_text(text)


def test_key_names_follow_go_note_rules():
    with pytest.raises(InvalidKey, match="key name"):
        SigningKey.generate("with+plus")
    with pytest.raises(InvalidKey, match="key name"):
        VerifierKey("tab\tname", bytes(32))
    url_named = SigningKey.generate("dastavez.example/ledger")
    assert url_named.verifier_key().startswith("dastavez.example/ledger+")


def test_sign_note_refuses_bodies_that_would_not_parse(key):
    for body in ["", "no newline", "a\n\nb\n", "\na\n", "bell\x07\n"]:
        with pytest.raises(ValueError, match="note body"):
            key.sign_note(body)
