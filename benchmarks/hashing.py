"""Hashing benchmark: the blob store's SHA-256 + SHA-512 against ``sha256sum`` on the same file.

    .venv/bin/python benchmarks/hashing.py [--size-mb 2048] [--file PATH] [--rounds 2]

Goal (evidence vault issue): throughput ≥ 0.8 × ``sha256sum`` on a 2 GB file, peak RSS < 200 MB.

Both sides run as child processes on a file already in the page cache (one untimed read
first), alternating ours / ``sha256sum`` for ``--rounds`` rounds; the best round of each
counts. Our time is taken inside the child around :func:`hash_file` (interpreter start-up
is reported apart); peak RSS is the child's own ``ru_maxrss``, interpreter included.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MB = 1_000_000  # throughput in decimal MB/s, as sha256sum and dd report it

_CHILD = """
import json, resource, sys, time
from dastavez.evidence.blobs import hash_file
started = time.perf_counter()
sha256, sha512, size = hash_file(sys.argv[1])
seconds = time.perf_counter() - started
rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"sha256": sha256, "size": size, "seconds": seconds, "rss_kib": rss_kib}))
"""


def _warm(path: Path) -> None:
    """Read the file once so every timed run sees the same warm page cache."""
    with open(path, "rb", buffering=0) as stream:
        while stream.read(8 << 20):
            pass


def _ours(path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603  # our own interpreter and code, fixed arguments
        [sys.executable, "-c", _CHILD, str(path)], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(out)
    result["process_seconds"] = time.perf_counter() - started
    return result


def _sha256sum(program: str, path: Path) -> tuple[str, float]:
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603  # coreutils found by shutil.which, fixed arguments
        [program, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return out.split()[0], time.perf_counter() - started


def measure(path: Path, *, rounds: int = 2) -> dict[str, Any]:
    """Throughput of ours and of ``sha256sum`` on ``path``, their ratio, and our peak RSS."""
    program = shutil.which("sha256sum")
    if program is None:
        raise SystemExit("sha256sum is not on PATH")
    size = path.stat().st_size
    _warm(path)
    ours: list[dict[str, Any]] = []
    theirs: list[float] = []
    for _ in range(rounds):
        ours.append(_ours(path))
        digest, seconds = _sha256sum(program, path)
        theirs.append(seconds)
        if digest != ours[-1]["sha256"]:
            raise SystemExit(f"digests differ: sha256sum {digest}, ours {ours[-1]['sha256']}")
    best = min(ours, key=lambda run: float(run["seconds"]))
    ours_mb_s = size / MB / best["seconds"]
    sha256sum_mb_s = size / MB / min(theirs)
    return {
        "file_mb": round(size / MB, 1),
        "cpus": os.cpu_count(),
        "ours_mb_s": round(ours_mb_s, 1),
        "ours_process_mb_s": round(size / MB / min(run["process_seconds"] for run in ours), 1),
        "sha256sum_mb_s": round(sha256sum_mb_s, 1),
        "ratio": round(ours_mb_s / sha256sum_mb_s, 2),
        "ours_peak_rss_mb": round(max(run["rss_kib"] for run in ours) / 1024, 1),
        "runs_s": {
            "ours": [round(run["seconds"], 3) for run in ours],
            "sha256sum": [round(seconds, 3) for seconds in theirs],
        },
        "goal_met": ours_mb_s >= 0.8 * sha256sum_mb_s and max(run["rss_kib"] for run in ours) < 200 * 1024,
    }


def write_sample(path: Path, size_mb: int) -> None:
    """``size_mb`` MiB of random bytes (content does not change hashing speed; this avoids
    any filesystem shortcut for zeros)."""
    with open(path, "wb") as out:
        for _ in range(size_mb):
            out.write(os.urandom(1 << 20))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=2048, help="size of the generated file in MiB")
    parser.add_argument("--file", type=Path, help="hash this file instead of generating one")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.file is not None:
        print(json.dumps(measure(args.file, rounds=args.rounds), indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="dastavez-hashing-") as scratch:
        sample = Path(scratch) / "sample.bin"
        write_sample(sample, args.size_mb)
        print(json.dumps(measure(sample, rounds=args.rounds), indent=2))


if __name__ == "__main__":
    main()
