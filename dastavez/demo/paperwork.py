"""The case file of the demo: exhibit titles, locators, legal bases and notifications.

Everything here is invented text in the style of a Pakistani counter-terrorism file: FIR
numbers, court orders, gazette notifications and reports with fictional numbers, fictional
districts and fictional people. Only the laws cited (the Anti-Terrorism Act, 1997 and the
Code of Criminal Procedure) are real. Every function draws from the ``random.Random`` it is
given, so the same seed writes the same file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dastavez.demo import names
from dastavez.demo.names import police_station

#: The scenario's "today": exhibits are registered and statuses dated before it.
SCENARIO_DATE = date(2026, 11, 1)
FIRST_DATE = date(2017, 1, 1)

PROSCRIPTION_LAW = "Anti-Terrorism Act, 1997, section 11-B (First Schedule)"
_COURTS = ("ATC-I", "ATC-II", "ATC-III")

#: Which exhibit kinds plausibly support which property (first choice first).
KINDS_FOR_PROP: dict[str, tuple[str, ...]] = {
    "phone": ("subscriber-record", "cdr", "forensic-report"),
    "idNumber": ("subscriber-record", "statement", "document"),
    "passportNumber": ("document", "statement"),
    "birthDate": ("statement", "document", "subscriber-record"),
    "fatherName": ("statement", "subscriber-record", "document"),
    "name": ("statement", "document", "subscriber-record"),
    "alias": ("statement", "audio", "document"),
    "weakAlias": ("audio", "statement", "video"),
    "residence": ("statement", "audio", "document"),
    "nationality": ("document", "statement"),
    "member": ("statement", "document", "video"),
    "organization": ("statement", "document", "video"),
    "role": ("statement", "document", "audio"),
    "startDate": ("statement", "document"),
    "relationship": ("statement", "cdr", "audio"),
}


@dataclass(frozen=True, slots=True)
class Paper:
    """An exhibit to register: what the loader's ``exhibit`` takes."""

    title: str
    kind: str
    registered: datetime
    description: str | None = None
    compartment: str | None = None


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def registered(rng: random.Random, after: date = FIRST_DATE) -> datetime:
    """A registration time between ``after`` and the scenario date, in office hours (PKT)."""
    day = day_between(rng, after, SCENARIO_DATE)
    return datetime(day.year, day.month, day.day, rng.randint(4, 12), rng.randrange(60), tzinfo=UTC)


def dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def fir(rng: random.Random, district: str, year: int) -> str:
    return f"FIR No. {rng.randint(3, 260)}/{year}, {police_station(rng, district)}"


def locator(rng: random.Random, kind: str) -> str | None:
    """Where in the exhibit: a page, a paragraph, a timecode or a row; sometimes nothing."""
    if rng.random() < 0.1:
        return None
    if kind in ("audio", "video"):
        return f"{rng.randrange(2):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    if kind == "cdr":
        return f"sheet {rng.randint(1, 4)}, row {rng.randint(2, 9000)}"
    if kind == "statement" and rng.random() < 0.5:
        return f"p. {rng.randint(1, 40)}, para {rng.randint(1, 12)}"
    return f"p. {rng.randint(1, 60)}"


# --- exhibits -------------------------------------------------------------------------------


def group_papers(rng: random.Random, *, name: str, abbreviation: str, district: str) -> list[Paper]:
    """The standing file on one group: dossier, call records, intercepts, seizures, forensics."""
    year = rng.randint(2019, 2025)
    papers = [
        Paper(f"CTD dossier on {name} ({abbreviation}), revised {year}", "document", registered(rng),
              f"Profile of {abbreviation}: structure, cells and finance, compiled by CTD {district}."),
        Paper(f"Subscriber records for numbers linked to {abbreviation} ({rng.randint(12, 90)} numbers)",
              "subscriber-record", registered(rng)),
        Paper(f"Propaganda video released in the name of {name}", "video", registered(rng),
              "Recovered from a messaging channel; speakers identified by voice comparison."),
        Paper(f"Forensic report: mobile phones seized in {district} (lab ref. DFL-{rng.randint(100, 999)}/"
              f"{rng.randint(2019, 2026)})", "forensic-report", registered(rng)),
    ]
    for _ in range(2):
        start = day_between(rng, date(2019, 1, 1), date(2026, 3, 1))
        end = start + timedelta(days=rng.choice((90, 120, 180)))
        papers.append(Paper(f"CDR dataset: {abbreviation} suspects, {dmy(start)} to {dmy(end)}", "cdr",
                            registered(rng)))
    for _ in range(2):
        papers.append(Paper(f"Intercepted call, {dmy(day_between(rng, date(2020, 1, 1), SCENARIO_DATE))}, "
                            f"{district}", "audio", registered(rng)))
    for _ in range(2):
        papers.append(Paper(f"Documents seized in raid on a safe house, {police_station(rng, district)}",
                            "document", registered(rng)))
    return papers


def proscription_paper(*, name: str, notification: str, day: date) -> Paper:
    return Paper(f"Gazette notification {notification}: proscription of {name}", "document",
                 datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC))


def notification_ref(rng: random.Random, year: int) -> str:
    """An invented Ministry of Interior notification number in the usual F.x/y/yyyy form."""
    return f"Ministry of Interior notification No. F.{rng.randint(2, 19)}/{rng.randint(3, 61)}/{year}-NACTA"


def interrogation_report(rng: random.Random, *, name: str, district: str) -> Paper:
    year = rng.randint(2018, 2026)
    return Paper(f"Joint Interrogation Team report: {name} ({fir(rng, district, year)})", "statement",
                 registered(rng, date(year, 1, 1)))


def subscriber_record(rng: random.Random, *, phone: str) -> Paper:
    return Paper(f"Subscriber record and CNIC copy for {phone}", "subscriber-record", registered(rng))


def source_report(rng: random.Random, *, compartment: str, subject: str) -> Paper:
    """A compartmented report: a human source (HUMINT) or a live operation's surveillance log."""
    number = rng.randint(10, 480)
    if compartment.startswith("HUMINT"):
        return Paper(f"Source report {compartment}/{number}: {subject}", "statement", registered(rng),
                     "Graded B2; source identity held by the handler only.", compartment)
    return Paper(f"Surveillance log {compartment}/{number}: {subject}", "document", registered(rng),
                 None, compartment)


def special_branch_reports(rng: random.Random) -> list[Paper]:
    """Reports on persons of interest who belong to no group."""
    return [Paper(f"Special Branch {district} report No. SB/{rng.randint(100, 990)}/"
                  f"{rng.randint(2019, 2026)}: persons of interest", "document", registered(rng))
            for district, _ in rng.sample(names.DISTRICTS, 4)]


def seized_register(rng: random.Random, *, name: str, district: str) -> Paper:
    """One exhibit that names many background members: a register, a list, a dataset."""
    kind = rng.choice(("document", "cdr", "subscriber-record", "statement"))
    titles = {
        "document": f"Membership register of {name} seized at {police_station(rng, district)}",
        "cdr": f"CDR dataset: {name} contacts, {district}, {rng.randint(2019, 2026)}",
        "subscriber-record": f"Subscriber records batch: {name} contacts in {district}",
        "statement": f"Confessional statement naming {name} members "
                     f"({fir(rng, district, rng.randint(2019, 2026))})",
    }
    return Paper(titles[kind], kind, registered(rng))


# --- legal status ---------------------------------------------------------------------------

#: Where people of each role stand in law: (path of statuses, weight). ``()`` means none recorded.
STATUS_PATHS: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "leader": ((("wanted",), 0.6), (("suspect", "wanted"), 0.3), (("accused", "charged"), 0.1)),
    "commander": ((("wanted",), 0.3), (("suspect", "accused"), 0.2), (("accused", "charged"), 0.25),
                  (("accused", "charged", "convicted"), 0.15), (("suspect",), 0.1)),
    "facilitator": ((("suspect",), 0.25), (("suspect", "accused"), 0.2), (("accused", "charged"), 0.25),
                    (("accused", "charged", "convicted"), 0.15), (("accused", "charged", "acquitted"), 0.1),
                    ((), 0.05)),
    "financier": ((("suspect",), 0.4), (("suspect", "accused", "charged"), 0.3), (("accused",), 0.2),
                  (("accused", "charged", "convicted"), 0.1)),
    "member": ((("suspect",), 0.5), ((), 0.25), (("accused",), 0.1),
               (("accused", "charged", "convicted"), 0.05), (("accused", "charged", "acquitted"), 0.05),
               (("suspect", "cleared"), 0.05)),
    "interest": ((("suspect",), 0.6), (("suspect", "cleared"), 0.2), ((), 0.2)),
    "background": ((("suspect",), 0.2), ((), 0.8)),
}


def status_path(rng: random.Random, role: str) -> tuple[str, ...]:
    options = STATUS_PATHS[role]
    return rng.choices([path for path, _ in options], [weight for _, weight in options])[0]


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: str
    basis: str
    effective: date
    order: Paper | None  # the court order or report to register and cite, if there is one


def status_changes(
    rng: random.Random, path: tuple[str, ...], *, name: str, district: str
) -> list[StatusChange]:
    """Dated changes along ``path``, each with its basis; court steps come with their order."""
    if not path:
        return []
    year = rng.randint(2018, 2024)
    case = fir(rng, district, year)
    court = f"{rng.choice(_COURTS)} {district}"
    when = day_between(rng, date(year, 1, 1), date(year, 12, 28))
    changes = []
    for status in path:
        order: Paper | None = None
        if status == "suspect":
            basis = f"Named in {case} u/s 11-F and 11-H ATA 1997"
        elif status == "accused":
            basis = f"Nominated as accused in the challan submitted to {court} in {case}"
        elif status == "charged":
            basis = f"Charge framed by {court} on {dmy(when)} u/s 7 ATA 1997 in {case}"
            order = Paper(f"{court}: charge sheet dated {dmy(when)}, State vs. {name}", "document", _at(when))
        elif status == "convicted":
            basis = (f"Convicted by {court}, judgment dated {dmy(when)}; sentenced to "
                     f"{rng.choice((5, 7, 10, 14))} years' rigorous imprisonment (appeal pending)")
            order = Paper(f"{court}: judgment dated {dmy(when)}, State vs. {name}", "document", _at(when))
        elif status == "acquitted":
            basis = f"Acquitted by {court}, judgment dated {dmy(when)}; the charge was not proved"
            order = Paper(f"{court}: judgment dated {dmy(when)}, State vs. {name}", "document", _at(when))
        elif status == "wanted":
            basis = f"Proclaimed offender, {court} order dated {dmy(when)} u/s 87 CrPC in {case}"
            order = Paper(f"{court}: proclamation order dated {dmy(when)} (s. 87 CrPC), {name}", "document",
                          _at(when))
        elif status == "cleared":
            basis = f"Cleared after verification; CTD {district} report dated {dmy(when)}"
        else:
            raise ValueError(f"no basis written for status {status!r}")
        changes.append(StatusChange(status, basis, when, order))
        when = min(SCENARIO_DATE, when + timedelta(days=rng.randint(60, 500)))
    return changes


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC)


# --- retractions and disputes ---------------------------------------------------------------

RETRACTION_REASONS: dict[str, tuple[str, ...]] = {
    "phone": ("Subscriber record shows the number belongs to the subject's brother",
              "Number re-issued by the operator in 2023; it is no longer the subject's"),
    "birthDate": ("Date taken from a forged CNIC; NADRA verification negative",),
    "idNumber": ("CNIC belongs to another person per NADRA verification",),
    "alias": ("Alias attributed to a different person with the same kunya",
              "Spelling came from a mistranscribed intercept; withdrawn by the translator"),
    "weakAlias": ("Kunya attributed to a different person in the same cell",),
    "fatherName": ("Father's name misread from a damaged document; corrected claim to follow",),
}
DISPUTE_NOTES = (
    "Contradicted by the interrogation report of a co-accused",
    "Single source graded C3; not corroborated",
    "Defence disputes this before the trial court; under verification",
)
CORROBORATION_NOTES = (
    "Confirmed by two independent exhibits",
    "Matches NADRA verification and subscriber record",
)
