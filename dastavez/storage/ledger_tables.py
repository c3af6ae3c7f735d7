"""Table definitions of the ledger: an append-only RFC 9162 Merkle log.

``ledger_entry`` holds the leaves (canonical JSON and its leaf hash); ``ledger_node`` the
hashes of complete subtrees above them, so roots and proofs need O(log n) rows;
``ledger_head`` is the single row that serialises appends; ``ledger_checkpoint`` keeps
every signed tree head.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dastavez.storage.tables import Base, utcnow


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON: the bytes that were hashed
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerNode(Base):
    """Hash of the complete subtree of leaves [idx * 2**level, (idx + 1) * 2**level), level ≥ 1."""

    __tablename__ = "ledger_node"
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerHead(Base):
    """One row (id 1): the log's size. Appenders lock it, so indexes never collide."""

    __tablename__ = "ledger_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)
    checkpoint_size: Mapped[int] = mapped_column(BigInteger, default=0)
    checkpoint_at: Mapped[datetime | None]


class LedgerCheckpoint(Base):
    """A signed tree head in the transparency-dev signed-note format."""

    __tablename__ = "ledger_checkpoint"
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
