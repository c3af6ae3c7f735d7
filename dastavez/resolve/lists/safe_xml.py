"""Reading XML from outside without letting it reach out or blow up.

The parser never loads a DTD, never fetches anything from the network, never expands an
entity and keeps libxml2's limits on depth and text size (``huge_tree=False``). On top of
that any document type declaration is refused outright: a reference list has no use for
one, and it is where entity bombs ("billion laughs") and external entities
(``file:///etc/passwd``) live.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from lxml import etree

from dastavez.model.types.base import shown
from dastavez.resolve.lists.errors import ListFormatError


def read_limited(source: bytes | str | Path, *, max_bytes: int, what: str) -> bytes:
    """The bytes of ``source`` (bytes as they are, a str or Path naming a file), at most
    ``max_bytes`` of them; ListFormatError when there are more or the file cannot be read."""
    if isinstance(source, bytes):
        data = source
    else:
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as err:
            name = shown(str(source), 200)  # a caller may pass XML text by mistake: keep it short
            raise ListFormatError(f"cannot read the {what} {name}: {err.strerror}") from None
    if len(data) > max_bytes:
        raise ListFormatError(f"the {what} is larger than the limit of {max_bytes:,} bytes")
    return data


# What may precede a DOCTYPE: the XML declaration, processing instructions, comments.
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_DOCTYPE = re.compile(rb"\s*<!DOCTYPE")
# libxml2 repeats the position at the end of some messages; the detail gives it once.
_POSITION = re.compile(r",? line [0-9]+, column [0-9]+$")


def _doctype_line(data: bytes) -> int | None:
    """The line of a DOCTYPE in the prolog of ``data`` (read as bytes), or None."""
    position = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    while (item := _PROLOG_ITEM.match(data, position)) is not None:
        position = item.end()
    if (doctype := _DOCTYPE.match(data, position)) is None:
        return None
    return data.count(b"\n", 0, doctype.end()) + 1


def _refuse_doctype(what: str, where: str) -> ListFormatError:
    return ListFormatError(
        f"the {what} carries a document type declaration ({where}); "
        "DTDs and entities are refused, as they can expand without bound or read local files"
    )


def _parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_xml(data: bytes, *, what: str) -> Any:
    """The parsed tree of ``data``; ListFormatError (with its line) when it is not
    well-formed XML or carries a document type declaration.

    The DOCTYPE is looked for before parsing, so that libxml2 never reads its entities;
    the parsed tree is checked again for documents in encodings the byte scan cannot read.
    """
    if (line := _doctype_line(data)) is not None:
        raise _refuse_doctype(what, f"line {line}")
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as err:
        message = _POSITION.sub("", str(err.msg))
        raise ListFormatError(f"the {what} is not well-formed XML: line {err.lineno}: {message}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _refuse_doctype(what, "in its prolog")
    return tree
