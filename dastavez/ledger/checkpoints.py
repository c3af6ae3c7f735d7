"""Signed checkpoints: the ledger's tree head, signed with the installation's Ed25519 key.

The key lives in ``DASTAVEZ_HOME/keys/ledger.key`` (mode 0600), created on first use; its
public half (``dastavez ledger key``) is what an outside reader needs to trust a checkpoint.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dastavez.exc import ConfigurationError
from dastavez.ledger.note import Checkpoint, InvalidKey, SigningKey, sign_checkpoint
from dastavez.settings import Settings
from dastavez.storage.ledger_tables import LedgerCheckpoint, LedgerHead


def key_path(settings: Settings) -> Path:
    return settings.home / "keys" / "ledger.key"


def signing_key(settings: Settings) -> SigningKey:
    """The installation's key, generated (once, race-free) when there is none yet."""
    path = key_path(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            SigningKey.generate(settings.ledger_origin).save(path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except InvalidKey as err:
            raise ConfigurationError(f"DASTAVEZ_LEDGER_ORIGIN cannot name a key: {err}") from err
    try:
        return SigningKey.load(path)
    except (OSError, InvalidKey) as err:
        raise ConfigurationError(f"cannot read the ledger signing key {path}: {err}") from err


def sign_and_store(session: Session, settings: Settings, *, size: int, root: bytes, now: datetime) -> str:
    """Sign the tree head at ``size`` and keep it; the caller holds the ledger head lock."""
    note = sign_checkpoint(Checkpoint(settings.ledger_origin, size, root), signing_key(settings))
    if session.get(LedgerCheckpoint, size) is None:
        session.add(LedgerCheckpoint(size=size, root=root, note=note, at=now))
    session.execute(
        update(LedgerHead).where(LedgerHead.id == 1).values(checkpoint_size=size, checkpoint_at=now)
    )
    return note


def latest(session: Session) -> LedgerCheckpoint | None:
    return session.execute(
        select(LedgerCheckpoint).order_by(LedgerCheckpoint.size.desc()).limit(1)
    ).scalar_one_or_none()
