"""The blob store: addressing, stored-once, read-only files, size limits and crash safety."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from dastavez.evidence.blobs import CHUNK_SIZE, BlobStore, hash_file
from dastavez.exc import InvalidInput, NotFound, PayloadTooLarge

REPO = Path(__file__).resolve().parents[2]


def pattern(size: int) -> bytes:
    """Deterministic bytes whose period (251) never lines up with the chunk size."""
    return (bytes(range(251)) * (size // 251 + 1))[:size]


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def test_put_stores_under_sha256_with_both_digests(store: BlobStore) -> None:
    data = b"exhibit bytes\n"
    blob = store.put_stream(io.BytesIO(data))
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.sha512 == hashlib.sha512(data).hexdigest()
    assert (blob.size, blob.created) == (len(data), True)
    address = blob.sha256
    assert store.path_for(address) == store.root / "sha256" / address[:2] / address[2:4] / address
    with store.open(blob.sha256) as stored:
        assert stored.read() == data
    assert list(store.iter_stored()) == [blob.sha256]


def test_same_content_is_stored_once(store: BlobStore, tmp_path: Path) -> None:
    data = pattern(10_000)
    first = store.put_stream(io.BytesIO(data))
    source = tmp_path / "again.bin"
    source.write_bytes(data)
    second = store.put_file(source)
    assert first.created and not second.created
    assert (second.sha256, second.sha512, second.size) == (first.sha256, first.sha512, first.size)
    assert list(store.iter_stored()) == [first.sha256]
    assert list(store.temp_dir.iterdir()) == []  # the duplicate's temp file is gone


def test_concurrent_uploads_of_one_content_create_it_once(store: BlobStore) -> None:
    data = pattern(2 * CHUNK_SIZE)
    with ThreadPoolExecutor(max_workers=6) as pool:
        blobs = list(pool.map(lambda _: store.put_stream(io.BytesIO(data)), range(6)))
    assert sum(blob.created for blob in blobs) == 1
    assert {blob.sha256 for blob in blobs} == {hashlib.sha256(data).hexdigest()}
    assert list(store.temp_dir.iterdir()) == []


def test_stored_files_are_read_only(store: BlobStore) -> None:
    blob = store.put_stream(io.BytesIO(b"sealed"))
    assert stat.S_IMODE(store.path_for(blob.sha256).stat().st_mode) == 0o444


def test_stream_larger_than_a_chunk_with_progress(store: BlobStore) -> None:
    data = pattern(3 * CHUNK_SIZE + 12_345)
    seen: list[int] = []
    blob = store.put_stream(io.BytesIO(data), progress=seen.append)
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.sha512 == hashlib.sha512(data).hexdigest()
    assert seen == [CHUNK_SIZE, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE, len(data)]  # cumulative byte counts
    assert store.check(blob.sha256, size=len(data), sha512=blob.sha512).status == "ok"


def test_hash_file_takes_a_path_or_a_stream(tmp_path: Path) -> None:
    data = pattern(CHUNK_SIZE + 1)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    expected = (hashlib.sha256(data).hexdigest(), hashlib.sha512(data).hexdigest(), len(data))
    assert hash_file(path) == expected
    assert hash_file(str(path)) == expected
    assert hash_file(io.BytesIO(data)) == expected
    empty = (hashlib.sha256(b"").hexdigest(), hashlib.sha512(b"").hexdigest(), 0)
    assert hash_file(io.BytesIO(b"")) == empty


def test_over_max_size_leaves_nothing(store: BlobStore) -> None:
    with pytest.raises(PayloadTooLarge) as raised:
        store.put_stream(io.BytesIO(pattern(2 * CHUNK_SIZE)), max_size=CHUNK_SIZE + 10)
    assert raised.value.status == 413
    assert list(store.iter_stored()) == []
    assert list(store.temp_dir.iterdir()) == []
    exactly = store.put_stream(io.BytesIO(pattern(100)), max_size=100)  # the limit itself is allowed
    assert exactly.size == 100


def test_a_crashed_temp_file_is_invisible_and_cleaned(store: BlobStore) -> None:
    data = b"half an upload"
    store.temp_dir.mkdir(parents=True)
    (store.temp_dir / "put-crashed.part").write_bytes(data)  # what a crash mid-write leaves
    sha256 = hashlib.sha256(data).hexdigest()
    assert not store.exists(sha256)
    assert list(store.iter_stored()) == []
    assert store.clean_temp() == 0  # too recent: it could be an upload in progress
    assert store.clean_temp(older_than=timedelta(0)) == 1
    assert list(store.temp_dir.iterdir()) == []


_SLOW_UPLOAD = """
import sys, time
from pathlib import Path
from dastavez.evidence.blobs import BlobStore

class Stalling:
    '''Serves `data` in pieces, then hangs after `stall_at` bytes, like a stuck client.'''
    def __init__(self, data, stall_at):
        self.data, self.stall_at, self.sent = data, stall_at, 0
    def read(self, size=-1):
        if self.sent >= self.stall_at:
            time.sleep(120)
        piece = self.data[self.sent:self.sent + size]
        self.sent += len(piece)
        return piece

size, stall_at = int(sys.argv[2]), int(sys.argv[3])
data = (bytes(range(251)) * (size // 251 + 1))[:size]
def report(done):
    print(done, flush=True)
BlobStore(Path(sys.argv[1])).put_stream(Stalling(data, stall_at), progress=report)
"""


def test_kill_9_mid_write_leaves_no_blob_and_a_retry_succeeds(store: BlobStore) -> None:
    size, stall_at = 6 * CHUNK_SIZE, 3 * CHUNK_SIZE
    child = subprocess.Popen(  # noqa: S603  # our own interpreter and code, fixed arguments
        [sys.executable, "-c", _SLOW_UPLOAD, str(store.root), str(size), str(stall_at)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:  # wait until the child is mid-write
            if int(line) >= stall_at:
                break
        else:
            pytest.fail(f"the upload child ended early with status {child.wait()}")
        partial = list(store.temp_dir.iterdir())
        assert len(partial) == 1 and partial[0].stat().st_size == stall_at
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()

    data = pattern(size)
    sha256 = hashlib.sha256(data).hexdigest()
    assert not store.exists(sha256)
    assert list(store.iter_stored()) == []
    retry = store.put_stream(io.BytesIO(data))
    assert (retry.sha256, retry.size, retry.created) == (sha256, size, True)
    assert store.check(sha256, size=size).status == "ok"
    assert store.clean_temp(older_than=timedelta(0)) == 1  # only the crashed upload's leftover
    assert list(store.iter_stored()) == [sha256]


def test_check_detects_a_changed_and_a_missing_file(store: BlobStore) -> None:
    blob = store.put_stream(io.BytesIO(b"original content"))
    assert store.check(blob.sha256, size=blob.size, sha512=blob.sha512).status == "ok"

    assert store.check(blob.sha256, size=blob.size + 1).status == "changed"
    assert store.check(blob.sha256, sha512="0" * 128).status == "changed"

    path = store.path_for(blob.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered content")
    changed = store.check(blob.sha256, size=blob.size, sha512=blob.sha512)
    assert changed.status == "changed"
    assert "hashes to sha256" in changed.detail and "\n" not in changed.detail

    path.unlink()
    missing = store.check(blob.sha256)
    assert (missing.sha256, missing.status) == (blob.sha256, "missing")
    assert not store.exists(blob.sha256)


def test_open_and_addresses(store: BlobStore) -> None:
    with pytest.raises(NotFound):
        store.open("a" * 64)
    for bad in ("../../etc/passwd", "a" * 63, "g" * 64, ""):
        with pytest.raises(InvalidInput):
            store.path_for(bad)
    assert store.path_for("AB" * 32) == store.path_for("ab" * 32)  # hex case does not matter
    assert list(store.iter_stored()) == []  # nothing stored yet, no directories needed
    assert store.clean_temp() == 0
