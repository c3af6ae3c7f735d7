"""INTERPOL notice JSON as it arrives: one response, an array of them, or JSON lines.

Turns the input into a flat sequence of notices (each a dict, and whether it was only the
summary a list page carries) and gives typed, checked access to their fields. Field names
are those of INTERPOL's public API (``../shared/data/interpol-notices-openapi.yaml``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dastavez.resolve.lists.cleaning import clean_text
from dastavez.resolve.lists.errors import ListFormatError


@dataclass(frozen=True)
class Notice:
    """One notice's JSON object, with checked accessors that name it in their errors."""

    data: Mapping[str, Any]
    position: int  # 1-based, in input order, for error details
    summary: bool  # True when it came from a list page's _embedded.notices

    @property
    def label(self) -> str:
        entity_id = self.data.get("entity_id")
        return f"notice {self.position}" + (f" ({entity_id})" if isinstance(entity_id, str) else "")

    def fail(self, reason: str) -> ListFormatError:
        return ListFormatError(f"{self.label}: {reason}")

    def text(self, field: str) -> str:
        """The field as one line of text; ``""`` when absent or null. Numbers become text."""
        value = self.data.get(field)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(f"{field} must be text, not {_kind(value)}")
        return clean_text(value)

    def texts(self, field: str) -> list[str]:
        """A list-of-text field; a lone string is taken as a list of one."""
        value = self.data.get(field)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) or item is None for item in value):
            raise self.fail(f"{field} must be a list of text, not {_kind(value)}")
        return [text for item in value if (text := clean_text(item))]

    def objects(self, field: str) -> list[Mapping[str, Any]]:
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(f"{field} must be a list of objects, not {_kind(value)}")
        return value

    def link(self, name: str) -> str:
        """``_links.<name>.href``, or ``""``."""
        links = self.data.get("_links")
        target = links.get(name) if isinstance(links, dict) else None
        href = target.get("href") if isinstance(target, dict) else None
        return clean_text(href) if isinstance(href, str) else ""


_KINDS = {
    dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number",
}


def _kind(value: object) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def load_documents(data: bytes | str | Mapping[str, Any] | Sequence[Any]) -> list[Any]:
    """The JSON documents in ``data``: an already-decoded value, one JSON text, or JSON lines."""
    if isinstance(data, Mapping):
        return [data]
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        return list(data)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ListFormatError(f"the notices are not UTF-8 text (byte {err.start})") from None
    try:
        document = json.loads(data)
    except RecursionError:
        raise ListFormatError("the notices are JSON nested too deeply to be notices") from None
    except json.JSONDecodeError as err:
        if err.msg != "Extra data":
            where = f"line {err.lineno}, column {err.colno}"
            raise ListFormatError(f"the notices are not JSON: {where}: {err.msg}") from None
        return list(_json_lines(data))
    return document if isinstance(document, list) else [document]


def _json_lines(text: str) -> Iterator[Any]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except RecursionError:
            raise ListFormatError(f"line {number}: JSON nested too deeply to be a notice") from None
        except json.JSONDecodeError as err:
            reason = f"{err.msg} (column {err.colno})"
            raise ListFormatError(f"line {number}: not a JSON notice: {reason}") from None


def iter_notices(documents: list[Any]) -> Iterator[Notice]:
    """Every notice in ``documents``: list responses are opened, details passed through."""
    position = 0
    for index, document in enumerate(documents, start=1):
        if not isinstance(document, dict):
            raise ListFormatError(f"document {index} is {_kind(document)}, not a notice or a list of notices")
        embedded = document.get("_embedded")
        embedded = embedded if isinstance(embedded, dict) else {}
        # A list page: notices under _embedded, or none at all but the page's total and query.
        if "notices" in embedded or {"total", "query"} <= document.keys():
            items = embedded.get("notices", [])
            if not isinstance(items, list):
                kind = _kind(items)
                raise ListFormatError(f"document {index}: _embedded.notices must be a list, not {kind}")
            for item in items:
                position += 1
                if not isinstance(item, dict):
                    # The OpenAPI file types these items as strings; the live API sends
                    # objects. A bare string carries no name to screen against.
                    raise ListFormatError(
                        f"notice {position}: a list entry must be an object with the notice's fields, "
                        f"not {_kind(item)}"
                    )
                yield Notice(item, position, summary=True)
        else:
            position += 1
            yield Notice(document, position, summary=False)
