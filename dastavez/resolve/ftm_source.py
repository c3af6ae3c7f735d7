"""The lines of an FtM file, decoded and hashed as they are read, so a file of any size streams."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from dastavez.resolve.lists import ListFormatError

_BOM = "\ufeff"


class HashedLines:
    """Iterate once for the text lines of ``chunks`` (binary lines, as a file opened ``"rb"``
    gives them); :meth:`sha256` is the digest of everything read. UTF-8 only: a line that
    does not decode fails with its number rather than being guessed at."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = chunks
        self._digest = hashlib.sha256()
        self._read = False

    def __iter__(self) -> Iterator[str]:
        if self._read:
            raise RuntimeError("the lines of a file are read once")
        self._read = True
        for number, chunk in enumerate(self._chunks, start=1):
            self._digest.update(chunk)
            try:
                line = chunk.decode("utf-8")
            except UnicodeDecodeError as err:
                raise ListFormatError(f"line {number} is not valid UTF-8 (byte {err.start + 1}); "
                                      "FtM files are UTF-8") from None
            yield line.removeprefix(_BOM) if number == 1 else line

    def sha256(self) -> str:
        return self._digest.hexdigest()
