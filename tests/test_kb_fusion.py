"""Fusion rules, without a database: identity, clustering by date, the choice of a date."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.kb.dates import bounds, parse_on
from dyad.kb.fusion import CONFLICT_WINDOW_DAYS, ClaimInfo, choose_date, cluster_claims, identity_of
from dyad.kb.names import norm_name, person_key, title_key, title_similarity

_ids = iter(range(1, 10**9))


def claim(doc: str, value: str | None, seq: int = 0, city: str | None = None) -> ClaimInfo:
    start, end = bounds(value) if value else (None, None)
    return ClaimInfo(next(_ids), doc, seq, value, start, end, city)


def dates_of(clusters: list[list[ClaimInfo]]) -> list[list[str | None]]:
    return [sorted((c.date or "") for c in k) for k in clusters]


# ----------------------------------------------------------------- identity


def test_identity_parties_are_a_set() -> None:
    a = identity_of("relations_established", {"parties": ["Russia", "Abkhazia"]})
    b = identity_of("relations_established", {"parties": ["Abkhazia", "Russia"]})
    assert a == b


def test_identity_persons_by_family_name() -> None:
    a = identity_of("ambassador_appointed", {"person": "Aslan Kvitsinia", "sender": "X", "receiver": "Y"})
    b = identity_of("ambassador_appointed", {"person": "Kvitsinia", "sender": "X", "receiver": "Y"})
    c = identity_of("ambassador_appointed", {"person": "Aslan Tarba", "sender": "X", "receiver": "Y"})
    assert a == b != c


def test_identity_treaty_titles_normalised() -> None:
    roles = {"parties": ["Abkhazia", "Russia"]}
    a = identity_of(
        "treaty_signed", {**roles, "title": "Treaty of Friendship, Cooperation and Mutual Assistance"}
    )
    b = identity_of(
        "treaty_signed", {**roles, "title": "treaty on friendship, co-operation and mutual assistance"}
    )
    c = identity_of("treaty_signed", {**roles, "title": "Agreement on Joint Border Protection"})
    assert a != c
    # "co-operation" folds to "co operation": a different word; the key is still close enough to link
    assert title_similarity(str(a[2][1]), str(b[2][1])) >= 0.5


def test_identity_ignores_city_and_date() -> None:
    a = identity_of(
        "mission_opened", {"owner": "Russia", "host": "Abkhazia", "kind": "embassy", "city": "Sukhumi"}
    )
    b = identity_of("mission_opened", {"owner": "Russia", "host": "Abkhazia", "kind": "Embassy"})
    assert a == b


def test_names() -> None:
    assert norm_name("  The Gambia ") == "gambia"
    assert norm_name("Côte d’Ivoire") == norm_name("cote d'ivoire")
    assert person_key("H.E. Igor Akhba") == "akhba"
    assert person_key("Dr. Maria Ivanova Jr.") == "ivanova"
    assert title_key("Treaty of Friendship between Russia and Abkhazia", ["Russia", "Abkhazia"]) == title_key(
        "friendship treaty"
    )


# ----------------------------------------------------------------- clustering


def test_agreeing_sources_are_one_fact() -> None:
    clusters = cluster_claims([claim("a", "2008-08-26"), claim("b", "2008-08-26"), claim("c", "2008-08-26")])
    assert len(clusters) == 1
    choice = choose_date(clusters[0])
    assert (choice.date, choice.conflict) == ("2008-08-26", False)


def test_compatible_precisions_are_not_a_conflict() -> None:
    clusters = cluster_claims([claim("a", "2009"), claim("b", "2009-05-01"), claim("c", "2009-05")])
    assert len(clusters) == 1
    choice = choose_date(clusters[0])
    assert (choice.date, choice.precision, choice.conflict) == ("2009-05-01", "day", False)
    assert [c.support for c in choice.candidates if c.date == "2009-05-01"] == [3]


def test_disagreeing_sources_are_one_fact_with_a_conflict() -> None:
    clusters = cluster_claims([claim("a", "2009-12-14"), claim("b", "2009-12-15"), claim("c", "2009-12-14")])
    assert len(clusters) == 1
    choice = choose_date(clusters[0])
    assert choice.conflict
    assert choice.date == "2009-12-14"  # two sources against one
    by_date = {c.date: c.docs for c in choice.candidates}
    assert by_date == {"2009-12-14": ("a", "c"), "2009-12-15": ("b",)}


def test_tie_more_precise_then_earliest() -> None:
    tie = choose_date(cluster_claims([claim("a", "2009-12-15"), claim("b", "2009-12-14")])[0])
    assert (tie.date, tie.conflict) == ("2009-12-14", True)
    precise = choose_date(cluster_claims([claim("a", "2009-11"), claim("b", "2009-12-03")])[0])
    assert (precise.date, precise.conflict) == ("2009-12-03", True)


def test_coarse_date_supports_every_precise_date_it_contains() -> None:
    choice = choose_date(
        cluster_claims(
            [claim("a", "2009-12-14"), claim("b", "2009-12-15"), claim("c", "2009-12-15"), claim("d", "2009")]
        )[0]
    )
    assert choice.date == "2009-12-15"
    assert {c.date: c.support for c in choice.candidates} == {"2009": 1, "2009-12-14": 2, "2009-12-15": 3}


def test_one_document_with_two_dates_tells_two_events() -> None:
    # a recognition, withdrawn, then given again: the same identity twice in one article
    clusters = cluster_claims([claim("a", "2011-05-23", 0), claim("a", "2011-07-02", 1)])
    assert dates_of(clusters) == [["2011-05-23"], ["2011-07-02"]]


def test_far_apart_dates_are_separate_facts() -> None:
    far = date.fromisoformat("2011-05-23").toordinal() + CONFLICT_WINDOW_DAYS + 10
    other = date.fromordinal(far).isoformat()
    clusters = cluster_claims([claim("a", "2011-05-23"), claim("b", other)])
    assert len(clusters) == 2


def test_undated_claims_join_the_earliest_dated_fact() -> None:
    clusters = cluster_claims(
        [claim("a", None), claim("b", "2013-07-12"), claim("b", "2011-05-23", 1), claim("c", None)]
    )
    assert dates_of(clusters) == [["", "", "2011-05-23"], ["2013-07-12"]]
    assert choose_date(clusters[0]).date == "2011-05-23"


def test_only_undated_claims_form_one_fact() -> None:
    clusters = cluster_claims([claim("a", None), claim("b", None)])
    assert len(clusters) == 1
    assert choose_date(clusters[0]).date is None


def test_different_cities_never_fuse() -> None:
    clusters = cluster_claims(
        [claim("a", "2009", city="sukhumi"), claim("b", "2009", city="gagra"), claim("c", "2009")]
    )
    assert len(clusters) == 2
    assert sorted(len(k) for k in clusters) == [1, 2]


def test_parse_on() -> None:
    assert parse_on("2009") == date(2009, 12, 31)
    assert parse_on("2009-02") == date(2009, 2, 28)
    assert parse_on("2008-08-26") == date(2008, 8, 26)
    assert parse_on(None) is None


# ----------------------------------------------------------------- properties

_values = st.one_of(
    st.none(),
    st.builds(lambda y: f"{y}", st.integers(2007, 2010)),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2007, 2010), st.integers(1, 12)),
    st.builds(
        lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
        st.integers(2007, 2010),
        st.integers(1, 12),
        st.integers(1, 28),
    ),
)
_claims = st.lists(st.tuples(st.sampled_from("abcde"), _values), min_size=1, max_size=12)


def _make(items: list[tuple[str, str | None]]) -> list[ClaimInfo]:
    return [claim(doc, value, seq) for seq, (doc, value) in enumerate(items)]


def _canonical(clusters: list[list[ClaimInfo]]) -> list[tuple[tuple[str, int, str | None], ...]]:
    return sorted(tuple(sorted((c.doc, c.seq, c.date) for c in k)) for k in clusters)


@settings(max_examples=200, deadline=None)
@given(_claims, st.randoms(use_true_random=False))
def test_clustering_does_not_depend_on_order(items: list[tuple[str, str | None]], rnd: object) -> None:
    claims = _make(items)
    shuffled = list(claims)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _canonical(cluster_claims(claims)) == _canonical(cluster_claims(shuffled))


@settings(max_examples=200, deadline=None)
@given(_claims)
def test_every_claim_in_exactly_one_fact_and_dates_well_chosen(items: list[tuple[str, str | None]]) -> None:
    claims = _make(items)
    clusters = cluster_claims(claims)
    assert sorted(c.id for k in clusters for c in k) == sorted(c.id for c in claims)
    for k in clusters:
        choice = choose_date(k)
        dated = [c for c in k if c.date]
        if not dated:
            assert choice.date is None
            continue
        assert choice.date in {c.date for c in dated}
        # the chosen date is never coarser than a compatible date of the same fact
        for c in dated:
            assert (
                c.start is not None
                and c.end is not None
                and choice.start is not None
                and choice.end is not None
            )
            if c.start <= choice.start and choice.end <= c.end:
                continue
            if choice.start <= c.start and c.end <= choice.end:
                assert (c.start, c.end) == (choice.start, choice.end)
