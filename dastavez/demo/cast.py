"""The cast of the demo: groups, their people, fronts and links, written through a BulkLoader.

A :class:`CastWriter` turns draws from one ``random.Random`` into records: it registers the
exhibits of the case file, creates entities and makes claims, about 60 % of them citing an
exhibit with a locator. It remembers what later steps and later issues need: who leads
which group, who will broker between groups, which public claims may be retracted.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dastavez.demo import names
from dastavez.demo.paperwork import (
    KINDS_FOR_PROP,
    Paper,
    interrogation_report,
    locator,
    source_report,
    status_changes,
    status_path,
    subscriber_record,
)
from dastavez.registry.bulk import BulkLoader

SUPPORTED_SHARE = 0.6
#: Of the supported claims about a public person, the share citing a compartmented source report.
SECRET_SOURCE_SHARE = 0.05
_KUNYA = ("Abu ", "Umm ")
_RELATIONSHIPS = ("brother", "cousin", "brother-in-law", "childhood friend", "cell-mate in district jail",
                  "business partner", "courier", "driver", "neighbour", "seminary classmate")
_PHONE_STYLES = ("e164", "spaced", "dashed", "bare")

Source = tuple[str, str]  # (exhibit id, kind)


@dataclass
class Sources:
    """The exhibits that claims about one record may cite."""

    public: list[Source] = field(default_factory=list)
    secret: list[Source] = field(default_factory=list)  # compartmented reports
    _suited: dict[tuple[str, bool], list[Source]] = field(default_factory=dict, repr=False)

    def plus(self, extra: list[Source]) -> Sources:
        return Sources(self.public + extra, self.secret)

    def suited(self, prop: str, *, secret: bool) -> list[Source]:
        """The exhibits of kinds that plausibly support ``prop``, or all of them if none is."""
        found = self._suited.get((prop, secret))
        if found is None:
            pool = self.secret if secret else self.public
            kinds = KINDS_FOR_PROP.get(prop, ())
            found = self._suited[(prop, secret)] = [s for s in pool if s[1] in kinds] or pool
        return found


@dataclass
class PersonRecord:
    """What the ground truth and later steps keep of one core person."""

    id: str
    name: str
    name_ur: str
    role: str
    group: str | None
    compartment: str | None
    phones: list[str]
    residence: str | None
    legal_status: str | None
    district: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "name_ur": self.name_ur, "role": self.role,
                "group": self.group, "compartment": self.compartment, "phones": self.phones,
                "residence": self.residence, "legal_status": self.legal_status}


class CastWriter:
    """Writes the scenario's records into ``self.loader`` (swapped for each chunk)."""

    def __init__(self, rng: random.Random, loader: BulkLoader):
        self.rng = rng
        self.loader = loader
        self.digest = hashlib.sha256()
        #: (claim id, property) of public claims on public persons: retraction and dispute candidates
        self.candidates: list[tuple[str, str]] = []
        self.collect_candidates = True

    # --- primitives -----------------------------------------------------------------------

    def register(self, paper: Paper) -> Source:
        number = self.loader.exhibit(title=paper.title, kind=paper.kind, description=paper.description,
                                     compartment=paper.compartment, now=paper.registered)
        self.digest.update(number.encode())
        return number, paper.kind

    def entity(self, schema: str, compartment: str | None = None) -> str:
        entity_id = self.loader.new_entity(schema, compartment=compartment)
        self.digest.update(entity_id.encode())
        return entity_id

    def say(self, entity_id: str, prop: str, value: str, sources: Sources, *, public: bool = False) -> str:
        """One claim; cites an exhibit suited to ``prop`` SUPPORTED_SHARE of the time."""
        rng = self.rng
        exhibit: Source | None = None
        if rng.random() < SUPPORTED_SHARE:
            secret = bool(sources.secret) and rng.random() < SECRET_SOURCE_SHARE
            suited = sources.suited(prop, secret=secret)
            if suited:
                exhibit = rng.choice(suited)
        if exhibit is None:
            cid = self.loader.claim(entity_id, prop, value)
        else:
            cid = self.loader.claim(entity_id, prop, value, exhibit_id=exhibit[0],
                                    locator=locator(rng, exhibit[1]))
        self.digest.update(cid.encode())
        if public and self.collect_candidates and (exhibit is None or exhibit in sources.public):
            self.candidates.append((cid, prop))
        return cid

    # --- organisations --------------------------------------------------------------------

    def organisation(self, org: names.OrgName, sources: Sources, *, founded: int) -> str:
        org_id = self.entity("Organization")
        self.say(org_id, "name", org.latin, sources)
        self.say(org_id, "name", org.urdu, sources)
        self.say(org_id, "abbreviation", org.abbreviation, sources)
        self.say(org_id, "alias", org.abbreviation, sources)
        for former in org.former_names:
            self.say(org_id, "previousName", former, sources)
        self.say(org_id, "description", org.ideology_note, sources)
        self.say(org_id, "country", "pk", sources)
        self.say(org_id, "incorporationDate", str(founded), sources)
        return org_id

    def membership(self, member: str, organisation: str, role: str, sources: Sources, *,
                   compartment: str | None, since: int) -> str:
        link = self.entity("Membership", compartment)
        self.say(link, "member", member, sources)
        self.say(link, "organization", organisation, sources)
        self.say(link, "role", role, sources)
        start = str(since) if self.rng.random() < 0.6 else f"{since}-{self.rng.randint(1, 12):02d}"
        self.say(link, "startDate", start, sources)
        return link

    def associate(self, person: str, other: str, sources: Sources, *, compartment: str | None) -> str:
        link = self.entity("Associate", compartment)
        self.say(link, "person", person, sources)
        self.say(link, "associate", other, sources)
        self.say(link, "relationship", self.rng.choice(_RELATIONSHIPS), sources)
        if self.rng.random() < 0.4:
            self.say(link, "startDate", str(self.rng.randint(2005, 2024)), sources)
        return link

    # --- persons --------------------------------------------------------------------------

    def person(
        self,
        role: str,
        sources: Sources,
        *,
        group: str | None,
        district: str,
        compartment: str | None = None,
        abroad: str | None = None,
        status_role: str | None = None,
        own_papers: bool = True,
    ) -> PersonRecord:
        """A person with names, identifiers, phones, membership of ``group`` and legal status."""
        rng = self.rng
        drawn = names.person_name(rng, female_share=0.06 if role in ("leader", "commander") else 0.1)
        pid = self.entity("Person", compartment)
        public = compartment is None
        phones = self._phones(rng, role, abroad)
        if own_papers:
            sources = self._own_papers(rng, drawn.latin, district, phones, compartment, sources,
                                       captured=abroad is None)
        say = self.say
        say(pid, "name", drawn.latin, sources, public=public)
        say(pid, "name", drawn.urdu, sources, public=public)
        for alias in drawn.aliases:
            say(pid, "alias", alias, sources, public=public)
        if drawn.nom_de_guerre and drawn.nom_de_guerre_urdu:
            prop = "weakAlias" if drawn.nom_de_guerre.startswith(_KUNYA) else "alias"
            say(pid, prop, drawn.nom_de_guerre, sources, public=public)
            say(pid, prop, drawn.nom_de_guerre_urdu, sources, public=public)
        say(pid, "fatherName", drawn.father, sources, public=public)
        say(pid, "birthDate", _birth_date(rng, role), sources, public=public)
        say(pid, "gender", drawn.gender, sources)
        say(pid, "nationality", rng.choice(("Pakistan", "PK", "pk", "PAK")), sources)
        if abroad and rng.random() < 0.5:
            say(pid, "nationality", rng.choice((abroad, rng.choice(names.ABROAD_COUNTRIES))), sources)
        if abroad:
            say(pid, "residence", abroad.upper(), sources)
        if rng.random() < 0.9:
            number = names.cnic(rng, gender=drawn.gender)
            written = number if rng.random() < 0.7 else number.replace("-", "")
            say(pid, "idNumber", written, sources, public=public)
        if rng.random() < {"leader": 1.0, "financier": 0.5, "commander": 0.3}.get(role, 0.12):
            say(pid, "passportNumber", names.passport(rng), sources)
        for phone in phones:
            say(pid, "phone", _phone_as_written(rng, phone), sources, public=public)
        if rng.random() < 0.4:
            say(pid, "birthPlace", f"{rng.choice(names.DISTRICTS)[0]}, {names.PROVINCE}", sources)
        if group is not None:
            self.membership(pid, group, role, sources, compartment=compartment, since=rng.randint(2008, 2024))
        status = self.legal_history(pid, status_role or role, drawn.latin, district)
        return PersonRecord(id=pid, name=drawn.latin, name_ur=drawn.urdu, role=role, group=group,
                            compartment=compartment, phones=phones, residence=abroad, legal_status=status,
                            district=district)

    def _own_papers(self, rng: random.Random, name: str, district: str, phones: list[str],
                    compartment: str | None, sources: Sources, *, captured: bool) -> Sources:
        extra: list[Source] = []
        if compartment is not None:
            extra.append(self.register(source_report(rng, compartment=compartment, subject=name)))
        if captured and rng.random() < 0.55:
            extra.append(self.register(interrogation_report(rng, name=name, district=district)))
        if phones and rng.random() < 0.35:
            extra.append(self.register(subscriber_record(rng, phone=phones[0])))
        return sources.plus(extra) if extra else sources

    def legal_history(self, pid: str, role: str, name: str, district: str) -> str | None:
        """Where the person stands in law, step by step; court steps cite their order."""
        status: str | None = None
        for change in status_changes(self.rng, status_path(self.rng, role), name=name, district=district):
            exhibit = self.register(change.order)[0] if change.order else None
            self.loader.legal_status(pid, change.status, basis=change.basis, exhibit_id=exhibit,
                                     effective=change.effective.isoformat())
            status = change.status
        return status

    @staticmethod
    def _phones(rng: random.Random, role: str, abroad: str | None) -> list[str]:
        if abroad:
            phones = [names.foreign_mobile(rng, abroad) for _ in range(rng.randint(1, 2))]
            if rng.random() < 0.5:
                phones.append(names.pk_mobile(rng))
        else:
            phones = [names.pk_mobile(rng) for _ in range(rng.choices((1, 2, 3), (5, 3, 2))[0])]
        return list(dict.fromkeys(phones))


def _birth_date(rng: random.Random, role: str) -> str:
    """Known to the day (written day first), to the month, or only the year."""
    low, high = {"leader": (1962, 1985), "commander": (1972, 1994)}.get(role, (1978, 2005))
    day = date(rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))
    draw = rng.random()
    if draw < 0.6:
        return day.strftime("%d/%m/%Y")
    if draw < 0.75:
        return day.strftime("%Y-%m")
    return str(day.year)


def _phone_as_written(rng: random.Random, e164: str) -> str:
    """A phone as files write it: E.164, or a Pakistani number in its national forms."""
    if not e164.startswith("+92"):
        return e164
    national = "0" + e164[3:]
    style = rng.choice(_PHONE_STYLES)
    if style == "spaced":
        return f"{national[:4]} {national[4:]}"
    if style == "dashed":
        return f"{national[:4]}-{national[4:]}"
    if style == "bare":
        return national
    return e164
