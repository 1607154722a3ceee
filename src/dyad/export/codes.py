"""State codes for panel identifiers: Correlates of War, Gleditsch–Ward, ISO 3166 and Wikidata.

Political scientists merge dyad-year data on state numbers, so every state in a panel needs one,
including states the standard lists leave out (most states with limited recognition). The rule,
for each code system (:data:`CODE_SYSTEMS`), tries in order:

- ``cow``: the state's Correlates of War number; else its Gleditsch and Ward number, unless that
  number is some other state's COW number; else the project code of :data:`PROJECT_CODES`;
  else a derived code.
- ``gw``: the Gleditsch and Ward number; else the project code; else a derived code.
- ``iso``: the ISO 3166-1 alpha-3 code; else the ISO 3166-3 code the state had when it existed
  (:data:`FORMER_ISO3`); else the project code (user-assigned ``X..`` range of ISO 3166);
  else a derived ``X..`` code.
- ``wikidata``: the Wikidata item id; else a derived ``dyad:<name>`` identifier.

Project codes are fixed (numbers 2001-2099, far from the COW and GW ranges, which end below
1000); *derived* codes (numbers from 3000, or ``X..`` letters) are a stable hash of the state's
name, for states dyad's gazetteer does not know. Two states may share a code only when their
years do not overlap (the COW convention for continuing states: the Soviet Union and Russia are
both 365); otherwise the historical state, or the second by name, moves on to its next code.
Every state whose code is not its own in the chosen system is listed in the panel's codebook.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dyad.errors import InputError

__all__ = [
    "CODE_SYSTEMS",
    "FORMER_ISO3",
    "PROJECT_CODES",
    "Assignment",
    "CodeSystem",
    "StateCodes",
    "assign_codes",
    "code_sort_key",
    "code_system",
]


@dataclass(frozen=True, slots=True)
class CodeSystem:
    key: str
    title: str
    columns: tuple[str, str]
    numeric: bool
    own: str  # the origin label of a state's own code in this system


CODE_SYSTEMS: dict[str, CodeSystem] = {
    "cow": CodeSystem("cow", "Correlates of War state number", ("ccode1", "ccode2"), True, "COW"),
    "gw": CodeSystem("gw", "Gleditsch and Ward state number", ("gwcode1", "gwcode2"), True, "GW"),
    "iso": CodeSystem("iso", "ISO 3166-1 alpha-3 code", ("iso1", "iso2"), False, "ISO 3166-1"),
    "wikidata": CodeSystem("wikidata", "Wikidata item id", ("qid1", "qid2"), False, "Wikidata"),
}

# Fixed project codes for states without a code of their own: (number, ISO-style letters).
# The number stands in for COW and GW; the letters (user-assigned ISO range) for ISO 3166.
PROJECT_CODES: dict[str, tuple[int, str | None]] = {
    "Transnistria": (2001, "XTR"),
    "Northern Cyprus": (2002, "XNC"),
    "Somaliland": (2003, "XSL"),
    "Sahrawi Republic": (2004, "XSR"),
    "Palestine": (2005, "XPS"),
    "Holy See": (2006, "XVA"),
    "Sovereign Military Order of Malta": (2007, "XOM"),
    "Artsakh": (2008, "XAR"),
    "Abkhazia": (2009, "XAB"),
    "South Ossetia": (2010, "XSO"),
    "Kosovo": (2011, "XKX"),
    "Taiwan": (2012, "XTW"),
}

# ISO 3166-3 codes of former states (the code they had while they existed).
FORMER_ISO3: dict[str, str] = {
    "Soviet Union": "SUN",
    "Yugoslavia": "YUG",
    "Serbia and Montenegro": "SCG",
    "Czechoslovakia": "CSK",
    "East Germany": "DDR",
}

DERIVED_BASE = 3000
DERIVED_SPAN = 6000
_QID = re.compile(r"^Q([1-9][0-9]*)$")


def code_system(key: str) -> CodeSystem:
    """The code system named ``key`` (InputError listing the known ones if there is none)."""
    try:
        return CODE_SYSTEMS[key.strip().lower()]
    except (KeyError, AttributeError):
        raise InputError(
            f"unknown code system {key!r}", f"use one of {', '.join(CODE_SYSTEMS)} (e.g. --codes cow)"
        ) from None


@dataclass(frozen=True, slots=True)
class StateCodes:
    """What the assignment reads of a state: its codes and the years it existed (None: unknown)."""

    name: str
    cow: int | None = None
    gw: int | None = None
    iso3: str | None = None
    wikidata: str | None = None
    status: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """The code a state gets in one system, where it comes from, and why."""

    name: str
    code: int | str
    origin: str  # "COW", "GW", "ISO 3166-1", "Wikidata", "ISO 3166-3", "project", "derived"
    note: str = ""

    @property
    def own(self) -> bool:
        return self.origin in ("COW", "GW", "ISO 3166-1", "Wikidata")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "code": self.code, "origin": self.origin, "note": self.note}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "state"


def _derived_number(name: str, used: set[Any]) -> int:
    n = zlib.crc32(name.encode("utf-8")) % DERIVED_SPAN
    for i in range(DERIVED_SPAN):
        code = DERIVED_BASE + (n + i) % DERIVED_SPAN
        if code not in used:
            return code
    raise InputError("too many states without codes for the derived range")  # pragma: no cover


def _derived_letters(name: str, used: set[Any]) -> str:
    n = zlib.crc32(name.encode("utf-8")) % 676
    for i in range(676):
        k = (n + i) % 676
        code = "X" + chr(65 + k // 26) + chr(65 + k % 26)
        if code not in used:
            return code
    raise InputError("too many states without ISO codes for the X.. range")  # pragma: no cover


def _candidates(state: StateCodes, system: str, others: set[Any]) -> list[tuple[Any, str, str]]:
    """(code, origin, note) in order of preference; a None code is a step skipped, with why."""
    project = PROJECT_CODES.get(state.name)
    out: list[tuple[Any, str, str]] = []
    if system == "cow":
        if state.cow is not None:
            out.append((state.cow, "COW", ""))
        if state.gw is not None:
            if state.gw in others:
                out.append((None, "", f"its GW number {state.gw} is another state's COW number"))
            else:
                out.append((state.gw, "GW", "no COW number; Gleditsch and Ward number used"))
        if project:
            out.append((project[0], "project", "no COW or GW number; fixed project code"))
    elif system == "gw":
        if state.gw is not None:
            out.append((state.gw, "GW", ""))
        if project:
            out.append((project[0], "project", "no GW number; fixed project code"))
    elif system == "iso":
        if state.iso3:
            out.append((state.iso3, "ISO 3166-1", ""))
        if state.name in FORMER_ISO3:
            out.append((FORMER_ISO3[state.name], "ISO 3166-3", "former state; its ISO 3166-3 code"))
        if project and project[1]:
            out.append(
                (project[1], "project", "no ISO 3166-1 code; fixed project code (user-assigned range)")
            )
    elif system == "wikidata" and state.wikidata:
        out.append((state.wikidata, "Wikidata", ""))
    return out


def _overlap(a: StateCodes, b: StateCodes, lo: int, hi: int) -> bool:
    start = max(a.start or lo, b.start or lo, lo)
    end = min(a.end or hi, b.end or hi, hi)
    return start <= end


def assign_codes(
    states: Sequence[StateCodes],
    system: str,
    *,
    known: Iterable[StateCodes] = (),
    years: tuple[int, int] = (1, 9999),
) -> dict[str, Assignment]:
    """The code of every state in ``states`` under ``system`` (see the module docstring).

    ``known``: other states whose own codes a stand-in code must not take (the gazetteer).
    ``years``: the panel's range; two states may share a code when their years within it do
    not overlap.
    """
    system = code_system(system).key
    own_attr = {"cow": "cow", "gw": "gw", "iso": "iso3", "wikidata": "wikidata"}[system]
    everyone = {s.name: s for s in (*known, *states)}
    own_codes = {getattr(s, own_attr) for s in everyone.values() if getattr(s, own_attr) is not None}
    cow_codes = {s.cow for s in everyone.values() if s.cow is not None}
    reserved: set[Any] = set(own_codes)
    reserved.update(p[0] for p in PROJECT_CODES.values())
    reserved.update(p[1] for p in PROJECT_CODES.values() if p[1])
    reserved.update(FORMER_ISO3.values())
    holders: dict[Any, list[StateCodes]] = {}
    out: dict[str, Assignment] = {}
    order = sorted(states, key=lambda s: (s.status == "historical", s.name))
    for state in order:
        chosen: Assignment | None = None
        notes: list[str] = []
        for code, origin, note in _candidates(state, system, cow_codes - {state.cow}):
            if code is None:
                notes.append(note)
                continue
            clash = [h for h in holders.get(code, []) if _overlap(h, state, *years)]
            if clash:
                notes.append(f"{origin} code {code} is {clash[0].name}'s in the same years")
                continue
            if origin not in ("COW", "GW", "ISO 3166-1", "Wikidata") and code in own_codes:
                notes.append(f"{origin} code {code} is another state's own code")
                continue
            chosen = Assignment(state.name, code, origin, "; ".join([*notes, note] if note else notes))
            break
        if chosen is None:
            used = reserved | set(holders)
            derived: int | str
            if system in ("cow", "gw"):
                derived = _derived_number(state.name, used)
            elif system == "iso":
                derived = _derived_letters(state.name, used)
            else:
                derived = f"dyad:{_slug(state.name)}"
            why = "no code of its own in this system" if not notes else "; ".join(notes)
            chosen = Assignment(state.name, derived, "derived", f"{why}; derived from the name")
        holders.setdefault(chosen.code, []).append(state)
        out[state.name] = chosen
    return out


def code_sort_key(code: int | str) -> tuple[int, int, str]:
    """Order of codes in a panel: numbers, then Wikidata ids by number, then other strings."""
    if isinstance(code, int):
        return (0, code, "")
    m = _QID.match(code)
    if m:
        return (1, int(m.group(1)), "")
    return (2, 0, code)
