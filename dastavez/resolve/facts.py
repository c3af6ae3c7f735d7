"""The facts besides a name that screening weighs: birth dates, countries, identifiers, phones.

Each check compares what the query says with what a candidate carries and gives an outcome
(``match``, ``partial``, ``conflict``) with a one-line detail, so the explanation says why a
score went up or down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dastavez.exc import InvalidInput
from dastavez.model.types import TypeContext, get_type
from dastavez.resolve.lists import year_span


@dataclass(frozen=True)
class Facts:
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()  # normalised numbers, any scheme
    phones: tuple[str, ...] = ()  # E.164

    @property
    def given(self) -> bool:
        """Whether there is any fact to check (a query may give a name alone)."""
        return bool(self.birth_dates or self.countries or self.identifiers or self.phones)


@dataclass(frozen=True)
class Check:
    kind: str
    outcome: str  # match | partial | conflict
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "outcome": self.outcome, "detail": self.detail}


#: how each outcome moves the name score (documented in docs/screening.md)
ADJUST = {
    ("dob", "match"): 0.05,
    ("dob", "partial"): 0.0,
    ("dob", "conflict"): -0.2,
    ("country", "match"): 0.03,
    ("country", "conflict"): -0.05,
    ("phone", "match"): 0.1,
}


def clean_query_facts(
    *, dob: str | None, country: str | None, identifiers: list[str], phones: list[str], default_region: str
) -> Facts:
    """The query's facts, cleaned like claims are; a bad value is refused with its reason."""
    context = TypeContext(default_region=default_region)
    dates = (get_type("date").clean(dob, context=context, field="dob").normalised,) if dob else ()
    countries = (
        (get_type("country").clean(country, context=context, field="country").normalised,) if country else ()
    )
    numbers = tuple(
        alnum(get_type("identifier").clean(i, context=context, field="identifier").normalised)
        for i in identifiers
    )
    calls = tuple(get_type("phone").clean(p, context=context, field="phone").normalised for p in phones)
    return Facts(dates, countries, numbers, calls)


def alnum(number: str) -> str:
    """Identifiers compared without separators: ``12345-1234567-1`` is ``1234512345671``."""
    return "".join(ch for ch in number.upper() if ch.isalnum())


def _years(value: str) -> tuple[int, int] | None:
    try:
        return year_span(value)
    except (ValueError, InvalidInput):
        return None


def _dob(query: str, candidates: tuple[str, ...]) -> Check | None:
    if not candidates:
        return None
    best: Check | None = None
    for candidate in candidates:
        if candidate == query or candidate.startswith(query + "-") or query.startswith(candidate + "-"):
            return Check("dob", "match", f"born {candidate}, as the query says ({query})")
        qspan, cspan = _years(query), _years(candidate)
        if qspan and cspan:
            if qspan[0] <= cspan[1] and cspan[0] <= qspan[1]:
                detail = f"born {candidate}: same year as {query}, day or month differ"
                if "/" in candidate:
                    return Check("dob", "match", f"born within {candidate.replace('/', '–')}, query {query}")
                best = best or Check("dob", "partial", detail)
            elif abs(qspan[0] - cspan[0]) <= 1:
                best = best or Check("dob", "partial", f"born {candidate}, a year from {query}")
    return best or Check("dob", "conflict", f"born {', '.join(candidates[:3])}, not {query}")


def compare_facts(query: Facts, candidate: Facts) -> list[Check]:
    checks: list[Check] = []
    for dob in query.birth_dates[:1]:
        check = _dob(dob, candidate.birth_dates)
        if check:
            checks.append(check)
    if query.countries and candidate.countries:
        shared = set(query.countries) & set(candidate.countries)
        if shared:
            checks.append(Check("country", "match", f"country {', '.join(sorted(shared)).upper()} in common"))
        else:
            theirs = ", ".join(sorted(candidate.countries)).upper()
            checks.append(
                Check("country", "conflict", f"countries {theirs}, not {query.countries[0].upper()}")
            )
    shared_ids = set(query.identifiers) & set(candidate.identifiers)
    if shared_ids:
        checks.append(Check("identifier", "match", f"identifier {sorted(shared_ids)[0]} is the same"))
    shared_phones = set(query.phones) & set(candidate.phones)
    if shared_phones:
        checks.append(Check("phone", "match", f"phone {sorted(shared_phones)[0]} is the same"))
    return checks


def combine(name_score: float, checks: list[Check]) -> float:
    score = name_score
    for check in checks:
        score += ADJUST.get((check.kind, check.outcome), 0.0)
    if any(c.kind == "identifier" and c.outcome == "match" for c in checks):
        score = 0.5 + 0.5 * score  # the same document number is strong evidence of the same person
    return round(min(1.0, max(0.0, score)), 4)


def facts_of_reference(data: dict[str, Any]) -> Facts:
    return Facts(
        birth_dates=tuple(data.get("birth_dates") or ()),
        countries=tuple(c.lower() for c in data.get("nationalities") or ()),
        identifiers=tuple(alnum(str(i.get("number", ""))) for i in data.get("identifiers") or ()),
        phones=tuple(data.get("phones") or ()),
    )


@dataclass
class FactsBuilder:
    """Facts of a registry entity, gathered claim by claim."""

    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    def add(self, prop: str, normalised: str) -> None:
        if prop == "birthDate":
            self.birth_dates.append(normalised)
        elif prop in ("nationality", "country", "residence", "jurisdiction"):
            self.countries.append(normalised.lower())
        elif prop in ("idNumber", "passportNumber"):
            self.identifiers.append(alnum(normalised))
        elif prop == "phone":
            self.phones.append(normalised)

    def build(self) -> Facts:
        return Facts(
            tuple(self.birth_dates), tuple(self.countries), tuple(self.identifiers), tuple(self.phones)
        )


FACT_PROPS = (
    "birthDate",
    "nationality",
    "country",
    "residence",
    "jurisdiction",
    "idNumber",
    "passportNumber",
    "phone",
)
