"""The one shape every reference list becomes: :class:`ReferenceEntry`.

A reference entry is what a published list says about one person or organisation. It is
kept apart from the unit's own claims: screening compares against it, nothing in the
registry is derived from it.

Conventions, the same for every source:

- ``names`` holds every name in order, without repeats: the primary name first, then the
  aliases (each also in ``aliases_detail`` with its quality), then names in their original
  script.
- ``birth_dates`` are ISO 8601 partial dates (``1979``, ``1979-05``, ``1979-05-03``) or a
  span of years as an ISO 8601 interval (``1970/1975``); see
  :func:`~dastavez.resolve.lists.cleaning.year_span`.
- ``nationalities`` are lowercase ISO 3166-1 alpha-2 codes: nationality and citizenship
  for a person; for an organisation, the countries it is tied to (FtM ``country``,
  ``jurisdiction``, ``mainCountry`` of an Organization, Company, LegalEntity or PublicBody;
  the UN's address countries). Other schemata (Address, Vessel ...) have none. A country
  a source names but no code resolves stays, as written, in ``properties`` under the
  source's prefix.
- ``identifiers`` are ``(kind, number, country)`` with ``kind`` an FtM property name
  (``passportNumber``, ``idNumber``, ``taxNumber``, ``registrationNumber`` ...).
- ``properties`` holds the rest, keyed by FtM property name (``position``, ``gender``,
  ``birthCountry``, ``modifiedAt``, ``topics`` ...). A fact FtM has no property for is kept
  under the source's prefix and its own field name (``un:dataId``,
  ``interpol:issuingCountry``, ``ftm:datasets``): a key with a colon is never FtM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

ALIAS_QUALITIES = ("good", "low", "former")


@dataclass(frozen=True)
class AliasDetail:
    """One alias with the list's confidence in it.

    ``quality`` is ``good`` (a strong alias: UN "Good" and "a.k.a.", FtM ``alias``),
    ``low`` (a weak one: UN "Low", FtM ``weakAlias``) or ``former`` (a name no longer used:
    UN "f.k.a.", FtM ``previousName``).
    """

    name: str
    quality: str
    note: str | None = None


class Identifier(NamedTuple):
    """A document number: ``kind`` is an FtM property name, ``country`` ISO alpha-2 or None."""

    kind: str
    number: str
    country: str | None = None


@dataclass(frozen=True)
class ReferenceEntry:
    """What one list says about one person or organisation (see the module docstring)."""

    source: str  # "un-sc", "interpol-red", "interpol-yellow", "interpol-un", "ftm"
    external_id: str  # the list's own id: "QDi.001", "2019/12345", an FtM entity id
    schema: str  # "Person", "Organization", or any other FtM schema name as given
    caption: str
    names: tuple[str, ...] = ()
    aliases_detail: tuple[AliasDetail, ...] = ()
    birth_dates: tuple[str, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    listed_on: str | None = None  # ISO date the list first carried the entry, when it says
    programme: str | None = None  # the sanctions regime or notice type it is listed under
    reason: str | None = None  # the list's narrative: UN comments, INTERPOL charges
    # A dict because callers read it like FtM's properties; left out of the hash, so an
    # entry can still go in a set.
    properties: dict[str, list[str]] = field(default_factory=dict, hash=False)
    raw_url: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(source, external_id)``: what a re-import of a newer list updates in place."""
        return self.source, self.external_id
