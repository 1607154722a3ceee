"""The query API over a small knowledge base, on SQLite and PostgreSQL.

The fixture articles are written for these tests: dates and persons are illustrative.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dyad.errors import DateError, NotFoundError
from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.testing import FakeGazetteer, doc, engine_url, ev

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
FRIENDSHIP = "Treaty of Friendship, Cooperation and Mutual Assistance"


@pytest.fixture(params=ENGINES)
def kb(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeBase]:
    base = open_kb(engine_url(request.param, tmp_path), gazetteer=FakeGazetteer())
    _load(base)
    yield base
    base.close()


def _load(kb: KnowledgeBase) -> None:
    a = "abkhazia-russia"
    kb.store_document(
        doc(a, "An article about Abkhazia and Russia."),
        [
            ev(
                "recognition",
                "2008-08-26",
                a,
                "Moscow recognised the republic on 26 August 2008.",
                actor="Russia",
                target="Abkhazia",
            ),
            ev(
                "recognition",
                "2008-08-26",
                a,
                "Sukhumi's recognition of Russia followed at once.",
                actor="Abkhazia",
                target="Russia",
            ),
            ev(
                "relations_established",
                "2008-09-09",
                a,
                "Relations were set up on 9 September.",
                parties=["Abkhazia", "Russia"],
            ),
            ev(
                "treaty_signed",
                "2008-09-17",
                a,
                "A friendship treaty was signed in Moscow.",
                parties=["Russia", "Abkhazia"],
                title=FRIENDSHIP,
            ),
            ev(
                "treaty_ratified",
                "2008-10-10",
                a,
                "Abkhazia's parliament approved the friendship treaty.",
                actor="Abkhazia",
                title="friendship treaty",
            ),
            ev(
                "treaty_ratified",
                "2008-11-21",
                a,
                "The Duma ratified it in November.",
                actor="Russia",
                title=FRIENDSHIP,
            ),
            ev(
                "treaty_signed",
                "2009-04-30",
                a,
                "A border protection agreement was concluded.",
                parties=["Russia", "Abkhazia"],
                title="Agreement on Joint Border Protection",
            ),
            ev(
                "treaty_ratified",
                "2009-06-01",
                a,
                "Abkhazia ratified the border agreement.",
                actor="Abkhazia",
                title="border protection agreement",
            ),
            ev(
                "ambassador_appointed",
                "2008-10-01",
                a,
                "Semyon Orlov became the first envoy.",
                person="Semyon Orlov",
                sender="Russia",
                receiver="Abkhazia",
            ),
            ev(
                "credentials_presented",
                "2008-12-16",
                a,
                "Orlov handed over his letters.",
                person="Orlov",
                sender="Russia",
                receiver="Abkhazia",
            ),
            ev(
                "ambassador_dismissed",
                "2011-06-01",
                a,
                "Orlov was recalled in June 2011.",
                person="Orlov",
                sender="Russia",
                receiver="Abkhazia",
            ),
            ev(
                "ambassador_appointed",
                "2012-02-01",
                a,
                "Viktor Lagun was named in 2012.",
                person="Viktor Lagun",
                sender="Russia",
                receiver="Abkhazia",
            ),
            ev(
                "ambassador_appointed",
                "2008-10-20",
                a,
                "Aslan Kvitsinia went to Moscow.",
                person="Aslan Kvitsinia",
                sender="Abkhazia",
                receiver="Russia",
            ),
            ev(
                "ambassador_appointed",
                "2017-03-01",
                a,
                "Beslan Tarba replaced him.",
                person="Beslan Tarba",
                sender="Abkhazia",
                receiver="Russia",
            ),
            ev(
                "mission_planned",
                "2008-09",
                a,
                "Moscow planned an embassy in the republic.",
                owner="Russia",
                host="Abkhazia",
                kind="embassy",
            ),
            ev(
                "mission_opened",
                "2009-05-01",
                a,
                "The embassy opened in Sukhumi on 1 May 2009.",
                owner="Russia",
                host="Abkhazia",
                kind="embassy",
                city="Sukhumi",
            ),
        ],
    )
    g = "georgia-russia"
    kb.store_document(
        doc(g, "An article about Georgia and Russia."),
        [
            ev(
                "relations_established",
                "1992-07-01",
                g,
                "Ties began in July 1992.",
                parties=["Georgia", "Russia"],
            ),
            ev(
                "relations_severed",
                "2008-08-29",
                g,
                "Tbilisi cut ties on 29 August 2008.",
                actor="Georgia",
                target="Russia",
            ),
            ev(
                "relations_established",
                "2030-03-01",
                g,
                "Ties were restored in 2030.",
                parties=["Russia", "Georgia"],
            ),
        ],
    )
    v = "abkhazia-pacific"
    kb.store_document(
        doc(v, "An article about Pacific recognitions."),
        [
            ev(
                "recognition",
                "2011-05-23",
                v,
                "Port Vila recognised the republic.",
                actor="Vanuatu",
                target="Abkhazia",
            ),
            ev(
                "recognition_withdrawn",
                "2013-05-20",
                v,
                "Port Vila withdrew it.",
                actor="Vanuatu",
                target="Abkhazia",
            ),
            ev(
                "recognition",
                "2013-07-12",
                v,
                "Port Vila recognised it once more.",
                actor="Vanuatu",
                target="Abkhazia",
            ),
            ev(
                "recognition",
                "2011-09-18",
                v,
                "Funafuti recognised the republic.",
                actor="Tuvalu",
                target="Abkhazia",
            ),
            ev(
                "recognition_withdrawn",
                "2014-03-31",
                v,
                "Funafuti took it back.",
                actor="Tuvalu",
                target="Abkhazia",
            ),
            ev(
                "recognition",
                "2009-12-15",
                v,
                "Yaren recognised the republic in mid-December.",
                actor="Nauru",
                target="Abkhazia",
            ),
            ev(
                "recognition",
                "2008-09-05",
                v,
                "Managua followed Moscow quickly.",
                actor="Nicaragua",
                target="Abkhazia",
            ),
        ],
    )
    n = "nauru-abkhazia"
    kb.store_document(
        doc(n, "Another account of Nauru."),
        [
            ev(
                "recognition",
                "2009-12-14",
                n,
                "Nauru's recognition is dated 14 December.",
                actor="Nauru",
                target="Abkhazia",
            ),
        ],
    )


def test_recognitions_as_of(kb: KnowledgeBase) -> None:
    def who(on: str) -> list[str]:
        return [s.actor for s in kb.recognitions("Abkhazia", on)]

    assert who("2008-08-25") == []
    assert who("2008-12-31") == ["Russia", "Nicaragua"]
    assert who("2012-01-01") == ["Russia", "Nicaragua", "Nauru", "Vanuatu", "Tuvalu"]
    assert who("2013-06-01") == ["Russia", "Nicaragua", "Nauru", "Tuvalu"]
    assert who("2015-01-01") == ["Russia", "Nicaragua", "Nauru", "Vanuatu"]
    vanuatu = next(s for s in kb.recognitions("Abkhazia", "2015") if s.actor == "Vanuatu")
    assert (vanuatu.status, vanuatu.since) == ("re-recognised", "2013-07-12")
    withdrawn = kb.recognitions("Abkhazia", "2015", include_withdrawn=True)
    assert [(s.actor, s.status) for s in withdrawn if not s.recognises] == [("Tuvalu", "withdrawn")]


def test_status_between_two_states(kb: KnowledgeBase) -> None:
    early = kb.status("Russia", "Abkhazia", "2008-08-31")
    assert [r.status for r in early.recognition] == ["recognised", "recognised"]
    assert early.relations.status == "none"
    assert early.missions == [] and early.treaties == []
    assert early.on == "2008-08-31"

    later = kb.status("Russian Federation", "Abkhazia", "2010-01-01")
    assert (later.relations.status, later.relations.since) == ("established", "2008-09-09")
    orlov = later.envoy_in_office("Russia")
    assert orlov is not None and (orlov.person, orlov.credentials) == ("Semyon Orlov", ["2008-12-16"])
    kvitsinia = later.envoy_in_office("Abkhazia")
    assert kvitsinia is not None and kvitsinia.person == "Aslan Kvitsinia"
    assert [(m.kind, m.city, m.status) for m in later.missions] == [("embassy", "Sukhumi", "open")]
    assert [(t.title, t.status) for t in later.treaties] == [
        (FRIENDSHIP, "in force"),
        ("Agreement on Joint Border Protection", "partly ratified"),
    ]
    planned = kb.status("Russia", "Abkhazia", "2008-12")
    assert [(m.city, m.status, m.since) for m in planned.missions] == [("Sukhumi", "planned", "2008-09")]


def test_relations_severed_and_restored(kb: KnowledgeBase) -> None:
    assert kb.status("Georgia", "Russia", "2000").relations.status == "established"
    severed = kb.status("Russia", "GEO", "2010-06-01").relations
    assert (severed.status, severed.since) == ("severed", "2008-08-29")
    assert kb.status("Georgia", "Russia", "2031").relations.status == "restored"
    assert [s.state for s in kb.status("Georgia", "Russia").relations.history] == [
        "established",
        "severed",
        "restored",
    ]


def test_envoys_with_tenures(kb: KnowledgeBase) -> None:
    tenures = kb.envoys("Russia", "Abkhazia")
    assert [(t.person, t.appointed, t.ended, t.end_reason, t.in_office) for t in tenures] == [
        ("Semyon Orlov", "2008-10-01", "2011-06-01", "dismissed", False),
        ("Viktor Lagun", "2012-02-01", None, None, True),
    ]
    other = kb.envoys("Abkhazia", "Russia")
    assert [(t.person, t.ended, t.end_reason, t.successor) for t in other] == [
        ("Aslan Kvitsinia", "2017-03-01", "succeeded", "Beslan Tarba"),
        ("Beslan Tarba", None, None, None),
    ]
    assert [t.person for t in kb.envoys("Abkhazia", "Russia", on="2016") if t.in_office] == [
        "Aslan Kvitsinia"
    ]
    assert [t.receiver for t in kb.envoys("Russia")] == ["Abkhazia", "Abkhazia"]


def test_treaties_in_force_once_every_party_ratified(kb: KnowledgeBase) -> None:
    (partly,) = kb.treaties("Russia", "Abkhazia", on="2008-10-31")
    assert (partly.status, [r.party for r in partly.ratified], partly.not_ratified) == (
        "partly ratified",
        ["Abkhazia"],
        ("Russia",),
    )
    friendship, border = kb.treaties("Abkhazia", "Russia")
    assert (friendship.in_force, friendship.in_force_since) == (True, "2008-11-21")
    assert (border.in_force, border.not_ratified) == (False, ("Russia",))
    assert [t.title for t in kb.treaties("Russia", "Abkhazia", pending=True)] == [
        "Agreement on Joint Border Protection"
    ]
    assert kb.treaties("Georgia", "Russia") == []


def test_timeline(kb: KnowledgeBase) -> None:
    pair = kb.timeline("Abkhazia", "Russia")
    dates = [f.date for f in pair]
    assert dates == sorted(dates)
    types = [f.type for f in pair]
    assert types.count("treaty_ratified") == 3  # linked to the pair's treaties
    assert "recognition" in types and "mission_opened" in types
    georgia = kb.timeline("Georgia")
    assert [f.date for f in georgia] == ["1992-07-01", "2008-08-29", "2030-03-01"]
    assert [f.date for f in kb.timeline("Georgia", on="2010")] == ["1992-07-01", "2008-08-29"]
    assert georgia[1].summary() == "Georgia → Russia"


def test_conflicts(kb: KnowledgeBase) -> None:
    (conflict,) = kb.conflicts()
    assert conflict.fact.roles == {"actor": "Nauru", "target": "Abkhazia"}
    # one source each: the earliest date wins
    assert conflict.chosen == "2009-12-14"
    assert [(c.date, c.docs, c.chosen) for c in conflict.candidates] == [
        ("2009-12-14", ("nauru-abkhazia",), True),
        ("2009-12-15", ("abkhazia-pacific",), False),
    ]
    assert conflict.to_dict()["candidates"][0]["docs"] == ["nauru-abkhazia"]


def test_search_and_event(kb: KnowledgeBase) -> None:
    hits = kb.search("embassy SUKHUMI")
    assert [h.fact.type for h in hits] == ["mission_opened"]
    assert hits[0].doc == "abkhazia-russia"
    assert kb.search("100%_") == []
    detail = kb.event(hits[0].fact.id)
    (evidence,) = detail.evidence
    assert evidence.text == "The embassy opened in Sukhumi on 1 May 2009." and evidence.start == 0
    with pytest.raises(NotFoundError):
        kb.event(999_999)


def test_entities_and_documents(kb: KnowledgeBase) -> None:
    names = [e.name for e in kb.entities()]
    assert names == sorted(names) and "Vanuatu" in names
    assert {d.doc for d in kb.documents()} == {
        "abkhazia-russia",
        "georgia-russia",
        "abkhazia-pacific",
        "nauru-abkhazia",
    }


def test_bad_date(kb: KnowledgeBase) -> None:
    with pytest.raises(DateError):
        kb.status("Russia", "Abkhazia", "the day after")


def test_treaty_of_three_parties_in_force_when_all_three_ratified(kb: KnowledgeBase) -> None:
    t = "pact-doc"
    title = "Tripartite Agreement on Transit"
    kb.store_document(
        doc(t, "Three states signed a transit pact."),
        [
            ev(
                "treaty_signed",
                "2015-03-01",
                t,
                "Three states signed it.",
                parties=["Syria", "Nauru", "Tuvalu"],
                title=title,
            ),
            ev("treaty_ratified", "2015-06-01", t, "Syria ratified it.", actor="Syria", title=title),
            ev(
                "treaty_ratified",
                "2015-07-01",
                t,
                "Nauru ratified it.",
                actor="Nauru",
                title="transit agreement",
            ),
        ],
    )
    (pending,) = kb.treaties("Nauru", "Syria", on="2016")
    assert (pending.parties, pending.not_ratified, pending.in_force) == (
        ("Nauru", "Syria", "Tuvalu"),
        ("Tuvalu",),
        False,
    )
    assert [x.title for x in kb.treaties("Tuvalu")] == [title]
    assert [f.type for f in kb.timeline("Syria", "Tuvalu")] == [
        "treaty_signed",
        "treaty_ratified",
        "treaty_ratified",
    ]
    kb.store_document(
        doc("tuvalu", "Tuvalu ratified too."),
        [ev("treaty_ratified", "2016-02-02", "tuvalu", actor="Tuvalu", title=title)],
    )
    (done,) = kb.treaties("Tuvalu", "Syria")
    assert (done.in_force, done.in_force_since) == (True, "2016-02-02")
    assert kb.treaties("Syria", "Nauru", on="2016-01-01")[0].in_force is False


def test_a_long_lived_reader_sees_what_another_writer_adds(kb: KnowledgeBase) -> None:
    writer = open_kb(kb.url, gazetteer=FakeGazetteer())
    assert kb.recognitions("Syria") == [] and kb.status("Syria", "Venezuela").relations.status == "none"
    writer.store_document(
        doc("syria", "Syria and Venezuela."),
        [
            ev("recognition", "2018-05-29", "syria", actor="Venezuela", target="Syria"),
            ev("relations_established", "1949", "syria", parties=["Syria", "Venezuela"]),
        ],
    )
    writer.close()
    assert [s.actor for s in kb.recognitions("Syria")] == ["Venezuela"]
    assert kb.status("Syria", "Venezuela").relations.status == "established"
