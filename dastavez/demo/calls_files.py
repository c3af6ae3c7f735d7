"""The demo's operator exports: call rows written as CSV files, in chunks, one file per operator.

Sarhad Mobile writes the contract's default header (``caller,callee,start_time,duration_s,
direction,type,imei,imsi,cell_id`` and the optional ``cell_country``; ISO 8601 times in UTC).
Kohsar Telecom writes the ``operator-b`` preset's format: tab-separated, Pakistani local time
``yyyymmddHHMMSS``, national numbers (``03001234567``, ``00971…``), VOICE/SMS, O/I and the
serving cell's MCC. A row goes to the operator of its subscriber (the caller for ``out``).
Rows are written CHUNK_ROWS at a time: memory stays bounded whatever the scale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TextIO

from dastavez.demo import calls_numbers as tel
from dastavez.demo.calls_rows import Row

CHUNK_ROWS = 50_000
PKT = 5 * 3600  # Pakistan Standard Time, UTC+5 all year
DEFAULT_HEADER = "caller,callee,start_time,duration_s,direction,type,imei,imsi,cell_id,cell_country\n"
OPERATOR_B_HEADER = "\t".join(("CALLING_NUMBER", "CALLED_NUMBER", "START_TIME", "CALL_DURATION",
                               "RECORD_TYPE", "DIRECTION", "IMEI", "IMSI", "CELL_ID", "MCC")) + "\n"
#: per operator (the order of calls_numbers.OPERATORS): the importer preset its file is written in
PRESETS = (None, "operator-b")
_KINDS = {"sms": "SMS", "call": "VOICE"}
_DIRECTIONS = {"out": "O", "in": "I"}


@dataclass
class Export:
    operator: str
    preset: str | None
    path: Path
    rows: int = 0
    sha256: str = ""


def chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """``rows`` in lists of at most ``size``."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


@lru_cache(maxsize=1 << 16)
def _national(number: str) -> str:
    return "0" + number[3:] if number.startswith("+92") else "00" + number[1:]


class _Formats:
    """Formats rows as the two files write them; the per-row work is one f-string (this runs
    2 × 10^7 times at scale 300: every lookup that can be made once is made once)."""

    def __init__(self, start: date, days: int):
        span = range(-1, days + 2)
        iso = {d: (start + timedelta(days=d)).isoformat() for d in span}
        compact = {d: (start + timedelta(days=d)).strftime("%Y%m%d") for d in span}
        # every second of a day, written once (86,400 short strings) instead of once per row
        clock = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(86400)]
        self._iso, self._clock = iso, clock
        self._compact = compact
        self._compact_clock = [f"{s // 3600:02d}{s // 60 % 60:02d}{s % 60:02d}" for s in range(86400)]

    def lines(self, chunk: list[Row], blocks: list[list[str]]) -> None:
        """Append each row of ``chunk`` to the block of its operator, in that operator's format."""
        iso, clock, compact, compact_clock = self._iso, self._clock, self._compact, self._compact_clock
        default, operator_b = blocks[0].append, blocks[1].append
        national, kinds, directions = _national, _KINDS, _DIRECTIONS
        for caller, callee, day, second, duration, kind, direction, imei, imsi, cell, country in chunk:
            subscriber = caller if direction == "out" else callee
            if int(subscriber[3:6]) % 2 == 0:  # calls_numbers.operator_of, inlined
                default(f"{caller},{callee},{iso[day]}{clock[second]},{duration},{direction},{kind},"
                        f"{imei},{imsi},{cell},{country}\n")
            else:
                local = second + PKT
                if local >= 86400:
                    day, local = day + 1, local - 86400
                operator_b(f"{national(caller)}\t{national(callee)}\t{compact[day]}{compact_clock[local]}\t"
                           f"{duration}\t{kinds[kind]}\t{directions[direction]}\t{imei}\t{imsi}\t{cell}\t"
                           f"{cell[:3]}\n")


def write_exports(folder: Path, rows: Iterable[Row], *, start: date, days: int, chunk_rows: int | None = None,
                  on_chunk: Callable[[int], None] | None = None) -> list[Export]:
    """Write ``rows`` into one file per operator under ``folder``; ``on_chunk(rows)`` after each chunk."""
    folder.mkdir(parents=True, exist_ok=True)
    formats = _Formats(start, days)
    exports = [Export(name, preset, folder / f"{slug}-cdr.{'csv' if preset is None else 'tsv'}")
               for (slug, name, _), preset in zip(tel.OPERATORS, PRESETS, strict=True)]
    handles: list[TextIO] = [e.path.open("w", encoding="utf-8", newline="") for e in exports]
    try:
        for handle, header in zip(handles, (DEFAULT_HEADER, OPERATOR_B_HEADER), strict=True):
            handle.write(header)
        for chunk in chunks(rows, chunk_rows or CHUNK_ROWS):
            blocks: list[list[str]] = [[] for _ in exports]
            formats.lines(chunk, blocks)
            for index, block in enumerate(blocks):
                handles[index].write("".join(block))
                exports[index].rows += len(block)
            if on_chunk:
                on_chunk(len(chunk))
    finally:
        for handle in handles:
            handle.close()
    for export in exports:
        digest = hashlib.sha256()
        with export.path.open("rb") as raw:
            while data := raw.read(1 << 20):
                digest.update(data)
        export.sha256 = digest.hexdigest()
    return exports
