"""The content-addressed blob store: exhibit files, stored once, under their SHA-256.

Layout under ``root``::

    sha256/ab/cd/abcd…      one read-only file per distinct content, named by its SHA-256
    tmp/put-….part          uploads in progress (or left behind by a crash)

A blob becomes visible only by an atomic link of a complete, fsynced temp file, so a crash
at any point leaves either the whole blob or nothing but a temp file, which
:meth:`BlobStore.clean_temp` removes. Hashing runs SHA-256 on the calling thread and SHA-512
on a helper thread (hashlib releases the GIL on large updates), so computing both costs about
as much wall time as the slower one alone.
"""

from __future__ import annotations

import errno
import hashlib
import os
import queue
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Literal

from dastavez.exc import InvalidInput, NotFound, PayloadTooLarge

CHUNK_SIZE = 1 << 20  # 1 MiB: large enough for hashlib to drop the GIL, small enough to bound memory
_QUEUE_DEPTH = 4  # chunks waiting for the SHA-512 thread: at most ~6 MiB in flight per hashing
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

Progress = Callable[[int], None]
"""Called after each chunk with the number of bytes done so far (cumulative, not an increment)."""


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    sha512: str
    size: int
    created: bool  # False when the same content was already stored


@dataclass(frozen=True)
class BlobCheck:
    sha256: str
    status: Literal["ok", "changed", "missing"]
    detail: str  # one line a person can act on


class _Digests:
    """SHA-256 and SHA-512 of one byte stream, the SHA-512 half on a helper thread.

    The bounded queue keeps memory constant: a fast reader waits for the slower digest.
    """

    def __init__(self) -> None:
        self.size = 0
        self._sha256 = hashlib.sha256()
        self._sha512 = hashlib.sha512()
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUE_DEPTH)
        self._worker = threading.Thread(target=self._digest_sha512, name="sha512", daemon=True)
        self._worker.start()

    def _digest_sha512(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            self._sha512.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._chunks.put(chunk)
        self._sha256.update(chunk)
        self.size += len(chunk)

    def _stop(self) -> None:
        if self._worker.is_alive():
            self._chunks.put(None)
            self._worker.join()

    def result(self) -> tuple[str, str, int]:
        self._stop()
        return self._sha256.hexdigest(), self._sha512.hexdigest(), self.size

    def __enter__(self) -> _Digests:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop()  # never leave the helper thread waiting after an error


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def hash_file(source: Path | str | BinaryIO, *, progress: Progress | None = None) -> tuple[str, str, int]:
    """(sha256, sha512, size) of a file or an open binary stream, read in constant memory."""
    if isinstance(source, (Path, str)):
        with open(source, "rb", buffering=0) as stream:  # unbuffered: chunks go straight to hashlib
            return hash_file(stream, progress=progress)
    with _Digests() as digests:
        for chunk in _chunks(source):
            digests.update(chunk)
            if progress is not None:
                progress(digests.size)
        return digests.result()


def _fsync_dir(path: Path) -> None:
    """Make a directory's entries (a new blob, a new subdirectory) survive a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dirs(path: Path) -> None:
    """``mkdir -p`` that fsyncs each parent it adds an entry to."""
    if path.is_dir():
        return
    _make_dirs(path.parent)
    try:
        path.mkdir()
    except FileExistsError:
        return  # a concurrent upload made it
    _fsync_dir(path.parent)


class BlobStore:
    """Files under ``root``, addressed by SHA-256; see the module docstring for the layout."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.temp_dir = self.root / "tmp"
        self._blob_dir = self.root / "sha256"

    def path_for(self, sha256: str) -> Path:
        """Where the blob lives; refuses anything but 64 hex digits (no path tricks)."""
        address = sha256.strip().lower()
        if not _SHA256.match(address):
            raise InvalidInput("sha256 must be 64 hexadecimal characters", field="sha256")
        return self._blob_dir / address[:2] / address[2:4] / address

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path_for(sha256), "rb")  # the caller closes it
        except FileNotFoundError:
            raise NotFound(f"no stored file with sha256 {sha256.strip().lower()}") from None

    def put_file(self, path: Path | str, *, progress: Progress | None = None) -> StoredBlob:
        with open(path, "rb", buffering=0) as stream:
            return self.put_stream(stream, progress=progress)

    def put_stream(
        self, stream: BinaryIO, *, max_size: int | None = None, progress: Progress | None = None
    ) -> StoredBlob:
        """Copy ``stream`` into the store; it is visible only once complete and on disk.

        Over ``max_size`` bytes raises :class:`PayloadTooLarge` and leaves nothing behind.
        """
        _make_dirs(self.temp_dir)
        fd, temp_name = tempfile.mkstemp(prefix="put-", suffix=".part", dir=self.temp_dir)
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out, _Digests() as digests:
                for chunk in _chunks(stream):
                    digests.update(chunk)
                    if max_size is not None and digests.size > max_size:
                        raise PayloadTooLarge(f"the file is larger than the limit of {max_size:,} bytes")
                    out.write(chunk)
                    if progress is not None:
                        progress(digests.size)
                out.flush()
                os.fchmod(out.fileno(), 0o444)
                os.fsync(out.fileno())
                sha256, sha512, size = digests.result()
            created = self._publish(temp, self.path_for(sha256))
            return StoredBlob(sha256=sha256, sha512=sha512, size=size, created=created)
        finally:
            temp.unlink(missing_ok=True)

    def _publish(self, temp: Path, target: Path) -> bool:
        """Give the complete temp file its address; False when that content is already stored.

        A hard link is atomic and never replaces an existing blob, so of two concurrent uploads
        of the same content exactly one reports ``created``; filesystems without hard links fall
        back to an atomic rename.
        """
        if target.exists():
            return False
        _make_dirs(target.parent)
        try:
            os.link(temp, target)
        except FileExistsError:
            return False
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            os.replace(temp, target)
        _fsync_dir(target.parent)
        return True

    def check(self, sha256: str, *, size: int | None = None, sha512: str | None = None) -> BlobCheck:
        """Re-hash a stored blob and compare it with its address and the recorded size/SHA-512."""
        path = self.path_for(sha256)
        address = path.name
        try:
            got_sha256, got_sha512, got_size = hash_file(path)
        except FileNotFoundError:
            return BlobCheck(address, "missing", f"no file at {path.relative_to(self.root)}")
        problems = []
        if got_sha256 != address:
            problems.append(f"content now hashes to sha256 {got_sha256}")
        if size is not None and got_size != size:
            problems.append(f"size is {got_size:,} bytes, recorded {size:,}")
        if sha512 is not None and got_sha512 != sha512.strip().lower():
            problems.append("sha512 differs from the recorded one")
        if problems:
            return BlobCheck(address, "changed", "; ".join(problems))
        return BlobCheck(address, "ok", f"{got_size:,} bytes, sha256 and sha512 match")

    def iter_stored(self) -> Iterator[str]:
        """The SHA-256 of every stored blob, in address order; temp files are never listed."""
        if not self._blob_dir.is_dir():
            return
        for first in sorted(self._blob_dir.iterdir()):
            for second in sorted(first.iterdir()) if first.is_dir() else ():
                for blob in sorted(second.iterdir()) if second.is_dir() else ():
                    name = blob.name
                    if _SHA256.match(name) and name[:2] == first.name and name[2:4] == second.name:
                        yield name

    def clean_temp(self, *, older_than: timedelta = timedelta(hours=1)) -> int:
        """Remove temp files not written to for ``older_than``; returns how many.

        An upload in progress rewrites its temp file every chunk, so a generous ``older_than``
        only ever removes what a crash left behind.
        """
        if not self.temp_dir.is_dir():
            return 0
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        for entry in self.temp_dir.iterdir():
            try:
                if entry.is_file() and entry.stat().st_mtime <= cutoff:
                    entry.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # finished or cleaned concurrently
        return removed
