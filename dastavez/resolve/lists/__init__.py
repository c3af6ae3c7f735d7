"""Reference lists in and out: the UN Security Council Consolidated List, INTERPOL public
notices and FollowTheMoney JSON lines, all read into one shape, :class:`ReferenceEntry`.

Pure parsers: no database, no network. ``parse_un(path)`` validates the UN's XML against
its schema (bundled here as ``un-sc-sanctions.xsd``); ``parse_interpol(json)`` reads the
API's list pages and notice details; ``parse_ftm_lines(lines)`` reads FtM entities, and
``to_ftm_line(...)`` writes one, with each value's provenance. Every malformed, hostile or
oversized input raises :class:`ListFormatError` with a one-line reason that says where.
"""

from dastavez.resolve.lists.cleaning import year_span
from dastavez.resolve.lists.entry import AliasDetail, Identifier, ReferenceEntry
from dastavez.resolve.lists.errors import ListFormatError
from dastavez.resolve.lists.ftm import (
    FtmEntity,
    parse_ftm_lines,
    read_ftm_entities,
    reference_entry,
    to_ftm_line,
)
from dastavez.resolve.lists.interpol import parse_interpol
from dastavez.resolve.lists.un import UnList, parse_un

__all__ = [
    "AliasDetail",
    "FtmEntity",
    "Identifier",
    "ListFormatError",
    "ReferenceEntry",
    "UnList",
    "parse_ftm_lines",
    "parse_interpol",
    "parse_un",
    "read_ftm_entities",
    "reference_entry",
    "to_ftm_line",
    "year_span",
]
