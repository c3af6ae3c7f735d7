"""Signed checkpoints in the C2SP signed-note and tlog-checkpoint formats.

Using the formats of the transparency-dev ecosystem (and of Go's
``golang.org/x/mod/sumdb/note`` keys) means a third party can check our tree heads
with existing tools and witnesses can cosign them: a checkpoint is the text

    <origin>\\n<size>\\n<base64 root>\\n[extension lines]\\n— <key name> <base64(key id ‖ sig)>\\n

where the Ed25519 signature covers the body (everything before the blank line,
including its final newline) and the key id is the first four bytes of
SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dastavez.ledger.merkle import HASH_SIZE

ALG_ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # an em dash and a space
MAX_SIGNATURES = 100  # as Go's note.Open: bounds the work an untrusted note can cause
MAX_SIZE = 2**64 - 1  # tlog-checkpoint sizes are unsigned 64-bit
_SIZE_LINE = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")  # Go's note allows no other control characters


class InvalidCheckpoint(ValueError):
    """A note that does not open: malformed, unsigned by the key, or not a checkpoint."""


class InvalidKey(ValueError):
    """A signer or verifier key text that is malformed or whose key id does not match."""


def _b64decode(text: str) -> bytes:
    """Strict standard base64 with padding; ``binascii.Error`` otherwise."""
    data = base64.b64decode(text, validate=True)
    if base64.b64encode(data).decode("ascii") != text:  # one spelling per value
        raise binascii.Error("non-canonical base64")
    return data


def _is_text(text: str) -> bool:
    """UTF-8 encodable (no lone surrogates) and free of control characters but newline."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not _CONTROL.search(text)


def _is_valid_name(name: str) -> bool:
    # As Go's note: the name ends at a space in signature lines and at "+" in key texts.
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def key_id(name: str, public_key: bytes) -> int:
    """The 32-bit key id that signature lines carry to say which key signed."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's ``origin``, its ``size`` and the root hash at that size."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()  # further body lines; signed, but opaque to us

    def __post_init__(self) -> None:
        for line in (self.origin, *self.extensions):
            if not line or "\n" in line or not _is_text(line):
                raise ValueError(f"checkpoint line {line[:40]!r} is empty or holds control characters")
        if not 0 <= self.size <= MAX_SIZE:
            raise ValueError(f"checkpoint size {self.size} is outside 0..2**64-1")
        if len(self.root) != HASH_SIZE:
            raise ValueError(f"checkpoint root must be {HASH_SIZE} bytes, not {len(self.root)}")

    def body(self) -> str:
        """The signed text: origin, size, base64 root and extensions, one per line."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii"), *self.extensions]
        return "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class VerifierKey:
    """A public key with its name: what a reader of checkpoints needs to trust them."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        if not _is_valid_name(self.name):
            raise InvalidKey(f"key name {self.name[:40]!r} is empty or holds spaces or '+'")
        if len(self.public_key) != 32:
            raise InvalidKey(f"an Ed25519 public key is 32 bytes, not {len(self.public_key)}")

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.public_key)

    def text(self) -> str:
        """``<name>+<key id hex8>+<base64(0x01 ‖ public key)>``, Go's vkey format."""
        key64 = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{key64}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def _parse_key_text(name: str, id_hex: str, key64: str, *, what: str) -> bytes:
    """The 32 key bytes of a key text, after checking name, algorithm and length.

    The caller checks the key id, which needs the public key.
    """
    if not _is_valid_name(name):
        raise InvalidKey(f"{what} key name {name[:40]!r} is empty or holds spaces or '+'")
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
        raise InvalidKey(f"{what} key id {id_hex[:20]!r} is not 8 lowercase hex digits")
    try:
        data = _b64decode(key64)
    except (binascii.Error, ValueError):
        raise InvalidKey(f"{what} key data is not standard base64") from None
    if len(data) != 33 or data[0] != ALG_ED25519:
        raise InvalidKey(f"{what} key is not an Ed25519 key (algorithm byte 0x01 and 32 bytes)")
    return data[1:]


def parse_verifier_key(text: str) -> VerifierKey:
    """Read a ``<name>+<hex8>+<base64>`` verifier key, checking its key id."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise InvalidKey("verifier key is not <name>+<key id>+<key>")
    name, id_hex, key64 = parts
    verifier = VerifierKey(name, _parse_key_text(name, id_hex, key64, what="verifier"))
    if f"{verifier.key_id:08x}" != id_hex:
        raise InvalidKey(f"verifier key id {id_hex} does not match its name and key")
    return verifier


class SigningKey:
    """A named Ed25519 private key that signs checkpoints; keep its file private."""

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != 32:
            raise InvalidKey(f"an Ed25519 seed is 32 bytes, not {len(seed)}")
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        self.verifier = VerifierKey(name, self._private.public_key().public_bytes_raw())
        self.name = name

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @property
    def key_id(self) -> int:
        return self.verifier.key_id

    def verifier_key(self) -> str:
        """The public half in Go's vkey text format, to publish to checkpoint readers."""
        return self.verifier.text()

    def text(self) -> str:
        """``PRIVATE+KEY+<name>+<key id hex8>+<base64(0x01 ‖ seed)>``, Go's skey format."""
        seed64 = base64.b64encode(bytes([ALG_ED25519]) + self._private.private_bytes_raw()).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{seed64}"

    @classmethod
    def from_text(cls, text: str) -> SigningKey:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise InvalidKey("signing key is not PRIVATE+KEY+<name>+<key id>+<key>")
        _, _, name, id_hex, key64 = parts
        key = cls(name, _parse_key_text(name, id_hex, key64, what="signing"))
        if f"{key.key_id:08x}" != id_hex:
            raise InvalidKey(f"signing key id {id_hex} does not match its name and key")
        return key

    def save(self, path: Path, *, overwrite: bool = False) -> None:
        """Write the key text with mode 0o600, atomically: a reader sees no half-written key.

        An existing file is kept unless ``overwrite``: losing a signing key by accident
        would orphan the checkpoints that name it.
        """
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)  # mkstemp already uses 0o600; say so rather than rely on it
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(self.text() + "\n")
                file.flush()
                os.fsync(file.fileno())
            if overwrite:
                os.replace(temporary, path)
            else:
                os.link(temporary, path)  # fails if path exists, unlike a rename
        finally:
            Path(temporary).unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        return cls.from_text(path.read_text(encoding="utf-8"))

    def sign_note(self, body: str) -> str:
        """A signed note of ``body``, which must be non-empty text ending in a newline."""
        if not body.endswith("\n") or "\n\n" in body or body.startswith("\n") or not _is_text(body):
            raise ValueError("a note body is non-empty lines of text, each ending in a newline")
        signature = self._private.sign(body.encode("utf-8"))
        blob = self.key_id.to_bytes(4, "big") + signature
        return f"{body}\n{SIGNATURE_PREFIX}{self.name} {base64.b64encode(blob).decode('ascii')}\n"


def sign_checkpoint(checkpoint: Checkpoint, key: SigningKey) -> str:
    """The checkpoint as a signed note, ready to store or publish."""
    return key.sign_note(checkpoint.body())


def _signatures(signature_text: str) -> list[tuple[str, bytes]]:
    """(key name, key id ‖ signature) of each signature line."""
    lines = signature_text.split("\n")[:-1]  # the note ends with a newline
    if not lines:
        raise InvalidCheckpoint("note has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise InvalidCheckpoint(f"note has more than {MAX_SIGNATURES} signature lines")
    signatures = []
    for line in lines:
        name, _, sig64 = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not _is_valid_name(name):
            raise InvalidCheckpoint(f"malformed signature line {line[:40]!r}")
        try:
            blob = _b64decode(sig64)
        except (binascii.Error, ValueError):
            raise InvalidCheckpoint(f"signature of {name[:40]!r} is not standard base64") from None
        if len(blob) < 5:
            raise InvalidCheckpoint(f"signature of {name[:40]!r} is too short")
        signatures.append((name, blob))
    return signatures


def _parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")[:-1]
    if len(lines) < 3 or not all(lines):
        raise InvalidCheckpoint("checkpoint body is not origin, size and root lines")
    origin, size_line, root_line, *extensions = lines
    if not _SIZE_LINE.fullmatch(size_line) or int(size_line) > MAX_SIZE:
        raise InvalidCheckpoint(f"checkpoint size line {size_line[:40]!r} is not a decimal number")
    try:
        root = _b64decode(root_line)
    except (binascii.Error, ValueError):
        raise InvalidCheckpoint(f"checkpoint root {root_line[:60]!r} is not standard base64") from None
    if len(root) != HASH_SIZE:
        raise InvalidCheckpoint(f"checkpoint root is {len(root)} bytes, not {HASH_SIZE}")
    return Checkpoint(origin, int(size_line), root, tuple(extensions))


def open_checkpoint(note_text: str, verifier: VerifierKey, *, origin: str | None = None) -> Checkpoint:
    """The checkpoint in ``note_text`` once ``verifier``'s signature on it checks out.

    Signatures by other keys (witnesses' cosignatures) are allowed and ignored; every
    signature that claims the verifier's name and key id must be valid. The body is
    parsed only after its signature holds, so nothing unauthenticated is interpreted.
    """
    if not _is_text(note_text):
        raise InvalidCheckpoint("note is not UTF-8 text or holds control characters")
    split = note_text.rfind("\n\n")
    if not note_text.endswith("\n") or split < 0:
        raise InvalidCheckpoint("note is not a body, a blank line and signature lines")
    body, signature_text = note_text[: split + 1], note_text[split + 2 :]
    ours = [blob for name, blob in _signatures(signature_text) if name == verifier.name]
    ours = [blob for blob in ours if int.from_bytes(blob[:4], "big") == verifier.key_id]
    if not ours:
        raise InvalidCheckpoint(f"note is not signed by key {verifier.name} ({verifier.key_id:08x})")
    if not all(verifier.verify(body.encode("utf-8"), blob[4:]) for blob in ours):
        raise InvalidCheckpoint(f"signature by key {verifier.name} does not match the note")
    checkpoint = _parse_body(body)
    if origin is not None and checkpoint.origin != origin:
        raise InvalidCheckpoint(f"checkpoint origin {checkpoint.origin[:60]!r} is not {origin!r}")
    return checkpoint
