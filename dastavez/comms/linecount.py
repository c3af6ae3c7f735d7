"""An independent count of a text export's lines, to prove that no line went missing.

DuckDB's CSV reader skips blank lines without a word, and (in 2.0) drops a line of tens of
megabytes, or everything after a quote that never closes, without always saying so. The
importer therefore counts the file's lines itself, in constant memory (``bytes.count`` over
1 MiB chunks, a few GB/s), notes where the blank lines are (they shift the line numbers of
the rows after them) and where a line is longer than a chunk, and checks the reader's
accounting against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20
MAX_BLANK = 1_000_000  # past this many blank lines a file is not an export


@dataclass
class LineScan:
    lines: int = 0  # physical lines, the header included
    blank: list[int] = field(default_factory=list)  # line numbers of empty lines (``\n`` or ``\r\n``)
    long_lines: list[int] = field(default_factory=list)  # lines longer than a chunk (about where they start)
    has_quote: bool = False

    @property
    def data_lines(self) -> int:
        return max(self.lines - 1, 0)


def _blank_in(joined: bytes, tail: int, before: int, found: list[int]) -> None:
    """Record each empty line of ``joined`` not already seen in its first ``tail`` bytes;
    ``before`` is the number of newlines ahead of ``joined``."""
    for pattern in (b"\n\n", b"\n\r\n"):
        start = joined.find(pattern)
        while start != -1:
            if start + len(pattern) > tail:
                found.append(before + joined.count(b"\n", 0, start) + 2)
            start = joined.find(pattern, start + 1)


def scan_lines(path: Path) -> LineScan:
    scan = LineScan()
    newlines = 0
    tail = b""
    last = b""
    with open(path, "rb", buffering=0) as stream:
        while chunk := stream.read(CHUNK):
            count = chunk.count(b"\n")
            if count == 0 and len(chunk) == CHUNK and newlines + 1 not in scan.long_lines[-1:]:
                scan.long_lines.append(newlines + 1)
            scan.has_quote = scan.has_quote or b'"' in chunk
            if len(scan.blank) <= MAX_BLANK and (b"\n\n" in tail + chunk or b"\n\r\n" in tail + chunk):
                _blank_in(tail + chunk, len(tail), newlines - tail.count(b"\n"), scan.blank)
            newlines += count
            tail = (tail + chunk)[-2:]
            last = chunk[-1:]
    scan.lines = newlines + (1 if last not in (b"", b"\n") else 0)
    scan.blank = sorted(set(scan.blank))
    return scan
