"""An entry under construction: each parser adds values, the draft keeps them clean.

Every ``add_*`` takes raw text, cleans it (one line, NFC), drops empties and repeats, and
keeps the order values came in: the first name added is the primary name.
"""

from __future__ import annotations

from dastavez.resolve.lists.cleaning import clean_text, partial_date
from dastavez.resolve.lists.countries import country_code
from dastavez.resolve.lists.entry import AliasDetail, Identifier, ReferenceEntry


def _append(values: list[str], value: object) -> str | None:
    text = clean_text(value)
    if text and text not in values:
        values.append(text)
    return text or None


class EntryDraft:
    """Collects the values of one :class:`ReferenceEntry`; :meth:`build` freezes them."""

    def __init__(self, *, source: str, external_id: str, schema: str):
        self.source = source
        self.external_id = external_id
        self.schema = schema
        self.caption = ""
        self.listed_on: str | None = None
        self.programme: str | None = None
        self.reason: str | None = None
        self.raw_url: str | None = None
        self.names: list[str] = []
        self.aliases: list[AliasDetail] = []
        self.birth_dates: list[str] = []
        self.birth_places: list[str] = []
        self.nationalities: list[str] = []
        self.identifiers: list[Identifier] = []
        self.phones: list[str] = []
        self.addresses: list[str] = []
        self.properties: dict[str, list[str]] = {}

    def add_name(self, value: object) -> None:
        _append(self.names, value)

    def add_alias(self, value: object, *, quality: str, note: object = None) -> None:
        name = clean_text(value)
        if not name:
            return
        self.add_name(name)
        detail = AliasDetail(name, quality, clean_text(note) or None)
        if all(known.name != name for known in self.aliases):
            self.aliases.append(detail)

    def add_birth_date(self, value: str | None) -> None:
        """Add an ISO date or year interval already produced by :mod:`.cleaning`."""
        if value and value not in self.birth_dates:
            self.birth_dates.append(value)

    def add_birth_place(self, value: object) -> None:
        _append(self.birth_places, value)

    def add_country(self, value: object, *, prop: str, unresolved_key: str) -> str | None:
        """Resolve ``value`` into ``nationalities`` (``prop="nationality"``) or into the
        property ``prop``; text no code resolves is kept under ``unresolved_key``."""
        text = clean_text(value)
        if not text:
            return None
        code = country_code(text)
        if code is None:
            self.add(unresolved_key, text)
        elif prop == "nationality":
            _append(self.nationalities, code)
        else:
            self.add(prop, code)
        return code

    def add_identifier(self, kind: str, number: object, country: str | None = None) -> None:
        text = clean_text(number)
        identifier = Identifier(kind, text, country)
        if text and identifier not in self.identifiers:
            self.identifiers.append(identifier)

    def add_phone(self, value: object) -> None:
        _append(self.phones, value)

    def add_address(self, value: object) -> None:
        _append(self.addresses, value)

    def add(self, prop: str, value: object) -> None:
        """Keep ``value`` under the FtM property (or source-prefixed key) ``prop``."""
        text = clean_text(value)
        if text:
            _append(self.properties.setdefault(prop, []), text)

    def add_date(self, prop: str, value: object) -> None:
        """A date property: ISO when it reads as one, else kept as written."""
        text = clean_text(value)
        self.add(prop, partial_date(text) or text)

    def build(self) -> ReferenceEntry:
        caption = clean_text(self.caption) or (self.names[0] if self.names else self.external_id)
        return ReferenceEntry(
            source=self.source,
            external_id=self.external_id,
            schema=self.schema,
            caption=caption,
            names=tuple(self.names),
            aliases_detail=tuple(self.aliases),
            birth_dates=tuple(self.birth_dates),
            birth_places=tuple(self.birth_places),
            nationalities=tuple(self.nationalities),
            identifiers=tuple(self.identifiers),
            phones=tuple(self.phones),
            addresses=tuple(self.addresses),
            listed_on=self.listed_on,
            programme=clean_text(self.programme) or None,
            reason=clean_text(self.reason) or None,
            properties={prop: list(values) for prop, values in self.properties.items()},
            raw_url=self.raw_url,
        )
