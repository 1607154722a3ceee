"""The panel's variables, defined once: the panel computes them, the codebook describes them.

:data:`VARIABLES` is the list of variables of a dyad-year panel with their rules; the codebook
written beside every panel and the reference in ``docs/exports.md`` are generated from it (and
from :mod:`dyad.export.codes`), so the documentation cannot drift from the code. A test checks
that the panel has exactly these columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dyad.export.codes import CODE_SYSTEMS, FORMER_ISO3, PROJECT_CODES, Assignment, code_system

__all__ = [
    "AS_OF_RULE",
    "MISSING_RULE",
    "TIMING",
    "VARIABLES",
    "Variable",
    "assignments_markdown",
    "codebook_markdown",
    "codes_markdown",
    "column_names",
    "variable_columns",
    "variables_markdown",
]

TIMING = {
    "state": "state on 31 December of the year",
    "events": "events during the year",
    "always": "over all dates (the same in every year)",
    "label": "descriptive",
}

AS_OF_RULE = (
    "A *state on 31 December* is the state after every event dated on or before 31 December of "
    "the year: exactly what `dyad status A B --on YEAR-12-31` reports. An event dated only by "
    'month or year counts from the first day of its period (a recognition dated "2008" counts '
    "from 1 January 2008). Undated events (the article gives no date) never count in a year. "
    "*Events during the year* are the events dated in that calendar year, at any precision."
)

MISSING_RULE = (
    "Unknown is not zero. dyad knows what the ingested articles state, nothing else. A value is "
    "missing (an empty cell in CSV, null in Parquet; `<NA>` in pandas) when the knowledge base "
    "holds nothing that decides it. `0` is written only on positive evidence (a recognition "
    "withdrawn, relations severed, an envoy recalled, a mission closed) or, for counts, for dyads "
    "the knowledge base covers (`covered` = 1), where a count of 0 means that none is recorded in "
    "articles that do describe the pair. For a dyad the knowledge base does not cover, every "
    "variable except `covered` and the names is missing."
)


@dataclass(frozen=True, slots=True)
class Variable:
    """One panel variable: its column, type, timing and rule."""

    name: str
    dtype: str  # pandas dtype: "Int64" or "string"
    directed: bool  # about state 1 towards state 2 (two columns in a nondirected panel)
    timing: str  # a key of TIMING
    label: str
    rule: str
    values: tuple[tuple[str, str], ...] = ()
    missing: str = "the dyad is not covered (`covered` = 0)"


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "name1", "string", False, "label", "name of state 1",
        "The canonical name of state 1 in dyad's gazetteer (or as the articles write it).",
        missing="never",
    ),
    Variable(
        "name2", "string", False, "label", "name of state 2",
        "The canonical name of state 2.",
        missing="never",
    ),
    Variable(
        "covered", "Int64", False, "always", "the knowledge base describes the pair",
        "Whether the knowledge base holds at least one event involving both states, of any type, "
        "dated or not (what `dyad timeline A B` lists).",
        (("1", "at least one event involves both states"), ("0", "no event involves both states"),),
        missing="never",
    ),
    Variable(
        "recog", "Int64", True, "state", "recognition of state 2 by state 1",
        "Whether state 1 recognises state 2 on 31 December.",
        (
            ("1", "state 1 recognises state 2 (recognised, or recognised again after a withdrawal)"),
            ("0", "state 1 withdrew its recognition of state 2 and has not renewed it"),
        ),
        "no recognition of state 2 by state 1 is recorded by 31 December (status `none`): the articles "
        "do not say, which is not the same as non-recognition",
    ),
    Variable(
        "recog_status", "string", True, "state", "recognition status of state 2 by state 1",
        "The recognition status `dyad status` reports for state 1 towards state 2 on 31 December.",
        (
            ("none", "no recognition recorded"),
            ("recognised", "recognised"),
            ("withdrawn", "recognition withdrawn"),
            ("re-recognised", "recognised again after a withdrawal"),
        ),
    ),
    Variable(
        "recog_first_year", "Int64", True, "state", "first year of recognition of state 2 by state 1",
        "The year of the earliest recognition of state 2 by state 1 recorded by 31 December (it stays "
        "the same after a withdrawal).",
        (("YYYY", "a year"),),
        "no recognition of state 2 by state 1 is recorded by 31 December",
    ),
    Variable(
        "recog_years", "Int64", True, "state", "years since recognition of state 2 by state 1",
        "The year minus the year in which the recognition in force on 31 December began: 0 in the year "
        "of recognition; a renewal after a withdrawal starts again from 0.",
        (("0, 1, 2, ...", "years"),),
        "state 1 does not recognise state 2 on 31 December (`recog` is not 1)",
    ),
    Variable(
        "relations", "Int64", False, "state", "diplomatic relations",
        "Whether the two states have diplomatic relations on 31 December.",
        (
            ("1", "relations established (or restored after a severance)"),
            ("0", "relations severed by either side and not restored"),
        ),
        "no establishment or severance of relations between them is recorded by 31 December",
    ),
    Variable(
        "relations_status", "string", False, "state", "status of diplomatic relations",
        "The status of relations `dyad status` reports on 31 December.",
        (
            ("none", "nothing recorded"),
            ("established", "established"),
            ("severed", "severed"),
            ("restored", "established again after a severance"),
        ),
    ),
    Variable(
        "rep_level", "Int64", True, "state", "representation of state 1 in state 2",
        "The level of state 1's diplomatic representation in state 2 on 31 December, on the Correlates "
        "of War Diplomatic Exchange scale, derived from envoys and missions. The rules apply in order: "
        "relations severed gives 0; an envoy of state 1 to state 2 in office (from the appointment, or "
        "the first credentials, to a dismissal or the next appointment) gives 3; a mission of state 1 "
        "open in state 2 (embassy, consulate, representative office, trade mission, ...) gives 9; "
        "an envoy or mission of state 1 in state 2 that has ended (dismissed, recalled, closed) and "
        "nothing open gives 0. In a Correlates of War row with `ccode1` = state 1, this is `DR_at_2` "
        "(the representation of side 1 at side 2).",
        (
            ("0", "none (relations severed, or representation ended)"),
            ("1", "chargé d'affaires (in the scale; not produced: articles rarely state lower ranks)"),
            ("2", "minister (in the scale; not produced, as 1)"),
            ("3", "ambassador: an envoy of state 1 is in office"),
            ("9", "other: a mission of state 1 is open but no envoy in office is recorded"),
        ),
        "no envoy or mission of state 1 in state 2 is recorded by 31 December and relations are not severed",
    ),
    Variable(
        "embassy", "Int64", True, "state", "embassy of state 1 in state 2",
        "Whether state 1 has an embassy (a mission of kind embassy or chancery) open in state 2 on "
        "31 December.",
        (
            ("1", "an embassy of state 1 in state 2 is open"),
            ("0", "state 1's embassy in state 2 is recorded as closed, or only as planned, and none is open"),
        ),
        "no embassy of state 1 in state 2 (open, closed or planned) is recorded by 31 December",
    ),
    Variable(
        "treaties_signed", "Int64", False, "state", "treaties signed between them (cumulative)",
        "The number of treaties with both states among the parties (bilateral or multilateral) signed "
        "on or before 31 December.",
        (("0, 1, 2, ...", "treaties"),),
    ),
    Variable(
        "treaties_in_force", "Int64", False, "state", "treaties in force between them",
        "Of those treaties, the number in force on 31 December: every party has ratified it by then "
        "(as `dyad treaties` reports).",
        (("0, 1, 2, ...", "treaties"),),
    ),
    Variable(
        "treaties_signed_year", "Int64", False, "events", "treaties signed between them in the year",
        "The number of treaties with both states among the parties signed during the year.",
        (("0, 1, 2, ...", "treaties"),),
    ),
    Variable(
        "condemnations", "Int64", True, "events", "condemnations of state 2 by state 1",
        "The number of condemnations by state 1 of an act of state 2 during the year.",
        (("0, 1, 2, ...", "condemnations"),),
    ),
)  # fmt: skip


def variable_columns(variable: Variable, directed: bool) -> list[str]:
    """The column(s) of a variable: one, or ``_12``/``_21`` for a directed one in a nondirected panel."""
    if variable.directed and not directed:
        return [f"{variable.name}_12", f"{variable.name}_21"]
    return [variable.name]


def column_names(codes: str = "cow", directed: bool = True) -> list[str]:
    """Every column of a panel, identifiers first."""
    system = code_system(codes)
    return [*system.columns, "year", *(c for v in VARIABLES for c in variable_columns(v, directed))]


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def variables_markdown(directed: bool = True, heading: str = "###") -> str:
    """One section per variable: column(s), type, timing, rule, values, missing values."""
    out = []
    for v in VARIABLES:
        cols = variable_columns(v, directed)
        title = ", ".join(f"`{c}`" for c in cols)
        out.append(f"{heading} {title}: {v.label}\n")
        out.append(f"- type: {'integer (nullable Int64)' if v.dtype == 'Int64' else 'text'}")
        out.append(f"- timing: {TIMING[v.timing]}")
        out.append(f"- rule: {v.rule}")
        if v.directed and not directed:
            out.append("- direction: `_12` is state 1 towards state 2 (as in the rule), `_21` the reverse")
        for value, meaning in v.values:
            out.append(f"- value `{value}`: {meaning}")
        out.append(f"- missing: {v.missing}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def codes_markdown() -> str:
    """The code systems, the fixed project codes and the ISO 3166-3 codes of former states."""
    out = ["| `--codes` | identifier columns | code |", "|---|---|---|"]
    for s in CODE_SYSTEMS.values():
        out.append(f"| `{s.key}` | `{s.columns[0]}`, `{s.columns[1]}` | {s.title} |")
    out += [
        "",
        "States without a code of their own in the chosen system get, in this order: for `cow`, the "
        "Gleditsch and Ward number (unless it is another state's COW number); for `cow` and `gw`, the "
        "fixed project number below; for `iso`, the ISO 3166-3 code of a former state, then the fixed "
        "project letters below (from the range ISO 3166 leaves to users, `XAA`-`XZZ`); and otherwise "
        "a *derived* code, a stable hash of the state's name (numbers from 3000; `X..` letters; "
        "`dyad:<name>` for Wikidata). Two states share a code only when their years do not overlap "
        "(the COW convention for continuing states); otherwise the historical state, or the second by "
        "name, moves on to its next code. The codebook of each panel lists every state whose code is "
        "not its own.",
        "",
        "Fixed project codes:",
        "",
        "| state | number (`cow`, `gw`) | letters (`iso`) |",
        "|---|---|---|",
    ]
    for name, (number, letters) in PROJECT_CODES.items():
        out.append(f"| {name} | {number} | {letters or ''} |")
    out += ["", "ISO 3166-3 codes of former states:", "", "| state | code |", "|---|---|"]
    for name, code in FORMER_ISO3.items():
        out.append(f"| {name} | {code} |")
    return "\n".join(out) + "\n"


def assignments_markdown(assignments: Iterable[Assignment], codes: str) -> str:
    """The states of one panel whose code is not their own in the system, with why."""
    system = code_system(codes)
    rows = [a for a in assignments if not a.own]
    if not rows:
        return f"Every state in this panel has its own {system.title}.\n"
    out = ["| state | code | source | why |", "|---|---|---|---|"]
    for a in sorted(rows, key=lambda a: a.name):
        out.append(f"| {_escape(a.name)} | {a.code} | {a.origin} | {_escape(a.note)} |")
    return "\n".join(out) + "\n"


def codebook_markdown(
    *,
    codes: str,
    directed: bool,
    assignments: Iterable[Assignment] = (),
    info: Mapping[str, Any] | None = None,
) -> str:
    """The codebook of one panel (``info``: version, hash, command, range, rows, ...)."""
    system = code_system(codes)
    info = dict(info or {})
    unit = "directed dyad-year: one row per ordered pair of states (state 1, state 2) and year"
    if not directed:
        unit = (
            "nondirected dyad-year: one row per unordered pair of states and year, state 1 the one with "
            "the lower code"
        )
    out = ["# Codebook: dyad-year panel", ""]
    if info:
        out += [
            f"- file: `{info.get('file', '')}` ({info.get('format', '')}, {info.get('rows', '?')} rows, "
            f"{info.get('states', '?')} states)",
            f"- years: {info.get('from', '?')} to {info.get('to', '?')}",
            f"- written by: dyad {info.get('dyad_version', '?')} on {info.get('created', '?')}",
            f"- knowledge base content hash: `{info.get('kb_content_hash', '?')}`",
            f"- command: `{info.get('command', '')}`",
            "",
        ]
    out += [
        "## Unit and identifiers",
        "",
        f"Unit: {unit}. States with limited recognition have rows of their own. A state whose years of "
        "existence dyad knows (former states) has rows only for those years. Rows are sorted by the "
        "identifiers.",
        "",
        "| column | type | meaning |",
        "|---|---|---|",
        f"| `{system.columns[0]}` | {'integer' if system.numeric else 'text'} | {system.title} of state 1 |",
        f"| `{system.columns[1]}` | {'integer' if system.numeric else 'text'} | {system.title} of state 2 |",
        "| `year` | integer | the calendar year |",
        "",
        "## Timing",
        "",
        AS_OF_RULE,
        "",
        "## Missing values",
        "",
        MISSING_RULE,
        "",
        "## Variables",
        "",
        variables_markdown(directed),
        "## Codes",
        "",
        codes_markdown(),
    ]
    if info or assignments:
        out += ["## Code assignments in this panel", "", assignments_markdown(assignments, codes)]
    return "\n".join(out).rstrip() + "\n"
