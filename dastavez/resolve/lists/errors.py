"""The one error a list parser raises: the input is not the list it claims to be."""

from __future__ import annotations

from dastavez.exc import InvalidInput


class ListFormatError(InvalidInput, ValueError):
    """A reference list (UN XML, INTERPOL JSON, FtM lines) is malformed, hostile or too large.

    The detail is one line and names where the problem is (``line 12: ...``,
    ``notice 3 (2019/12345): ...``). It is an :class:`~dastavez.exc.InvalidInput`, so the
    API and the CLI report it like any other bad input (422, exit non-zero), and a
    ``ValueError``, so code that only knows the standard library can catch it too. It keeps
    InvalidInput's code and status: the API's table of error codes stays as it is.
    """
