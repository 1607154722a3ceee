"""As-of derivations, without a database."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from dyad.kb.dates import bounds
from dyad.kb.names import person_key
from dyad.kb.state import (
    FactInfo,
    envoy_tenures,
    mission_states,
    recognition_state,
    relations_state,
    treaty_states,
)

_ids = count(1)


def fact(type_: str, value: str | None, **kw: Any) -> FactInfo:
    start, end = bounds(value) if value else (None, None)
    if "person" in kw:
        kw.setdefault("person_key", person_key(kw["person"]))
    return FactInfo(next(_ids), type_, date=value, start=start, end=end, **kw)


D = date.fromisoformat


def test_recognition_recognised_withdrawn_rerecognised() -> None:
    facts = [
        fact("recognition", "2011-05-23", actor="Vanuatu", target="Abkhazia"),
        fact("recognition_withdrawn", "2013-05-20", actor="Vanuatu", target="Abkhazia"),
        fact("recognition", "2013-07-12", actor="Vanuatu", target="Abkhazia"),
        fact("recognition", "2008-08-26", actor="Russia", target="Abkhazia"),  # another pair: ignored
    ]
    at = {
        d: recognition_state(facts, "Vanuatu", "Abkhazia", D(d))
        for d in ("2010-01-01", "2012-01-01", "2013-06-01", "2014-01-01")
    }
    assert at["2010-01-01"].status == "none"
    assert (at["2012-01-01"].status, at["2012-01-01"].since) == ("recognised", "2011-05-23")
    assert (at["2013-06-01"].status, at["2013-06-01"].recognises) == ("withdrawn", False)
    assert (at["2014-01-01"].status, at["2014-01-01"].since, at["2014-01-01"].recognises) == (
        "re-recognised",
        "2013-07-12",
        True,
    )
    assert [s.state for s in at["2014-01-01"].history] == ["recognised", "withdrawn", "re-recognised"]


def test_as_of_rule_uses_the_start_of_the_period() -> None:
    facts = [fact("recognition", "2008", actor="A", target="B")]
    assert recognition_state(facts, "A", "B", D("2008-01-01")).recognises
    assert not recognition_state(facts, "A", "B", D("2007-12-31")).recognises


def test_undated_facts_count_only_without_a_date() -> None:
    facts = [fact("recognition", None, actor="A", target="B")]
    assert recognition_state(facts, "A", "B", None).recognises
    assert not recognition_state(facts, "A", "B", D("2020-01-01")).recognises


def test_relations_established_severed_restored() -> None:
    facts = [
        fact("relations_established", "1992-07-01", parties=("Georgia", "Russia")),
        fact("relations_severed", "2008-08-29", actor="Georgia", target="Russia"),
        fact("relations_established", "2030-03-01", parties=("Georgia", "Russia")),
    ]
    assert relations_state(facts, "Russia", "Georgia", D("1991-01-01")).status == "none"
    assert relations_state(facts, "Russia", "Georgia", D("2000-01-01")).status == "established"
    severed = relations_state(facts, "Russia", "Georgia", D("2010-01-01"))
    assert (severed.status, severed.since, severed.active) == ("severed", "2008-08-29", False)
    restored = relations_state(facts, "Georgia", "Russia", D("2031-01-01"))
    assert (restored.status, restored.since, restored.active) == ("restored", "2030-03-01", True)


def test_severed_by_the_other_side_counts_too() -> None:
    facts = [
        fact("relations_established", "1992", parties=("A", "B")),
        fact("relations_severed", "2000", actor="B", target="A"),
    ]
    assert relations_state(facts, "A", "B", None).status == "severed"


def test_envoy_tenure_ended_by_dismissal() -> None:
    facts = [
        fact("ambassador_appointed", "2008-10-01", person="Semyon Orlov", actor="Russia", target="Abkhazia"),
        fact("credentials_presented", "2008-12-16", person="Orlov", actor="Russia", target="Abkhazia"),
        fact("ambassador_dismissed", "2011-06-01", person="S. Orlov", actor="Russia", target="Abkhazia"),
    ]
    (t,) = envoy_tenures(facts)
    assert (t.person, t.appointed, t.credentials, t.ended, t.end_reason) == (
        "Semyon Orlov",
        "2008-10-01",
        ["2008-12-16"],
        "2011-06-01",
        "dismissed",
    )
    assert not t.in_office
    (during,) = envoy_tenures(facts, D("2010-01-01"))
    assert during.in_office and during.ended is None


def test_envoy_tenure_ended_by_the_next_appointment() -> None:
    facts = [
        fact(
            "ambassador_appointed", "2008-10-20", person="Aslan Kvitsinia", actor="Abkhazia", target="Russia"
        ),
        fact("credentials_presented", "2009-01-16", person="Kvitsinia", actor="Abkhazia", target="Russia"),
        fact("ambassador_appointed", "2017-03-01", person="Beslan Tarba", actor="Abkhazia", target="Russia"),
    ]
    first, second = envoy_tenures(facts)
    assert (first.person, first.ended, first.end_reason, first.successor) == (
        "Aslan Kvitsinia",
        "2017-03-01",
        "succeeded",
        "Beslan Tarba",
    )
    assert second.in_office and second.appointed == "2017-03-01"
    (only,) = envoy_tenures(facts, D("2012-01-01"))
    assert only.in_office and only.person == "Aslan Kvitsinia"


def test_credentials_without_appointment_open_a_tenure() -> None:
    facts = [
        fact("credentials_presented", "2010-02-02", person="Ada Lind", actor="A", target="B"),
        fact("credentials_presented", "2010-03-05", person="Ada Lind", actor="A", target="B"),
    ]
    (t,) = envoy_tenures(facts)
    assert (t.appointed, t.credentials, t.in_office) == (None, ["2010-02-02", "2010-03-05"], True)


def test_missions_planned_open_closed() -> None:
    facts = [
        fact("mission_planned", "2008-09", actor="Russia", target="Abkhazia", kind="embassy"),
        fact(
            "mission_opened", "2009-05-01", actor="Russia", target="Abkhazia", kind="embassy", city="Sukhumi"
        ),
        fact("mission_closed", "2040", actor="Russia", target="Abkhazia", kind="embassy", city="Sukhumi"),
        fact("mission_opened", "2012", actor="Russia", target="Abkhazia", kind="consulate", city="Gagra"),
    ]
    before = mission_states(facts, D("2008-12-01"))
    assert [(m.kind, m.city, m.status) for m in before] == [("embassy", "Sukhumi", "planned")]
    later = mission_states(facts, D("2013-01-01"))
    assert [(m.kind, m.city, m.status, m.since) for m in later] == [
        ("consulate", "Gagra", "open", "2012"),
        ("embassy", "Sukhumi", "open", "2009-05-01"),
    ]
    assert [m.status for m in mission_states(facts) if m.kind == "embassy"] == ["closed"]


def test_treaty_in_force_only_when_every_party_ratified() -> None:
    title = "Treaty of Friendship, Cooperation and Mutual Assistance"
    signed = [fact("treaty_signed", "2008-09-17", parties=("Abkhazia", "Russia"), title=title, docs=("a",))]
    ratified = [
        fact("treaty_ratified", "2008-10-10", actor="Abkhazia", title="friendship treaty", docs=("a",)),
        fact("treaty_ratified", "2008-11-21", actor="Russia", title=title.lower(), docs=("b",)),
    ]
    (partly,) = treaty_states(signed, ratified, D("2008-10-31"))
    assert (partly.status, partly.in_force, partly.not_ratified) == ("partly ratified", False, ("Russia",))
    (full,) = treaty_states(signed, ratified, D("2009-01-01"))
    assert (full.in_force, full.in_force_since, full.pending) == (True, "2008-11-21", False)
    assert [r.party for r in full.ratified] == ["Abkhazia", "Russia"]
    assert treaty_states(signed, ratified, D("2008-01-01")) == []


def test_ratification_goes_to_the_treaty_with_the_matching_title() -> None:
    signed = [
        fact("treaty_signed", "2009-04-30", parties=("A", "B"), title="Agreement on Joint Border Protection"),
        fact("treaty_signed", "2009-04-30", parties=("A", "B"), title="Agreement on Military Cooperation"),
    ]
    ratified = [fact("treaty_ratified", "2009-06-01", actor="A", title="agreement on military cooperation")]
    border, military = treaty_states(signed, ratified)
    assert border.ratified == () and [r.party for r in military.ratified] == ["A"]
