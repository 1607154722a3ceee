"""The gazetteer: data integrity, lookup, and finding mentions in running text."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.entities import Entity, Gazetteer, Mention, fold_name, load_gazetteer
from dyad.errors import AmbiguousEntityError, UnknownEntityError

SHARED = Path(__file__).resolve().parents[2] / "shared"

# The 193 UN member states by ISO 3166-1 alpha-2 code, written out independently of the data.
UN_MEMBERS = set(
    re.findall(
        r"[A-Z]{2}",
        """
    AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI
    CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT
    GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT
    LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH
    PK PL PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN
    TO TR TT TV TZ UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW""",
    )
)
# Codes that are not ISO 3166 but are used in its place (user-assigned range).
USER_ASSIGNED = {"XK": "XKX"}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def names(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.text, m.entity.name) for m in mentions]


# --------------------------------------------------------------------------- data integrity


def test_load_is_cached() -> None:
    assert load_gazetteer() is load_gazetteer()


def test_every_un_member_is_present(gaz: Gazetteer) -> None:
    assert len(UN_MEMBERS) == 193
    members = [e for e in gaz.states() if e.status == "un_member"]
    assert len(members) == 193
    assert {e.iso2 for e in members} == UN_MEMBERS


def test_observers_limited_recognition_and_historical_states(gaz: Gazetteer) -> None:
    by_status: dict[str, set[str]] = {}
    for e in gaz.states():
        by_status.setdefault(str(e.status), set()).add(e.name)
    assert {"Holy See", "Palestine", "Sovereign Military Order of Malta"} <= by_status["un_observer"]
    assert {
        "Abkhazia",
        "South Ossetia",
        "Transnistria",
        "Kosovo",
        "Northern Cyprus",
        "Taiwan",
        "Sahrawi Republic",
        "Somaliland",
    } <= by_status["limited_recognition"]
    assert {
        "Artsakh",
        "Soviet Union",
        "Yugoslavia",
        "Serbia and Montenegro",
        "Czechoslovakia",
        "East Germany",
        "South Vietnam",
    } <= by_status["historical"]
    # The Federal Republic continued as today's Germany: West Germany is one of its names.
    assert gaz.resolve("West Germany").name == "Germany"
    for e in gaz.states():
        if e.status == "historical":
            assert e.start and e.end and e.start < e.end, e.name
        else:
            assert e.end is None, e.name


def test_names_and_wikidata_ids_are_unique(gaz: Gazetteer) -> None:
    everything = list(gaz)
    assert len({e.name for e in everything}) == len(everything)
    qids = [e.wikidata for e in everything if e.wikidata]
    assert len(set(qids)) == len(qids)
    assert all(re.fullmatch(r"Q[1-9]\d*", q) for q in qids)
    assert all(e.wikidata for e in gaz.states())  # every state has one


def test_iso_codes_are_valid(gaz: Gazetteer) -> None:
    current_iso2 = []
    for e in gaz.states():
        if e.iso2 is None:
            assert e.iso3 is None
            continue
        if e.iso2 in USER_ASSIGNED:
            assert e.iso3 == USER_ASSIGNED[e.iso2]
        elif e.status == "historical":
            record = pycountry.historic_countries.get(alpha_3=e.iso3)
            assert record is not None and record.alpha_2 == e.iso2, e.name
        else:
            record = pycountry.countries.get(alpha_2=e.iso2)
            assert record is not None and record.alpha_3 == e.iso3 and record.numeric == e.iso_numeric, e.name
            current_iso2.append(e.iso2)
    assert len(set(current_iso2)) == len(current_iso2)
    iso3 = [e.iso3 for e in gaz.states() if e.iso3]
    assert len(set(iso3)) == len(iso3)


def test_cow_and_gw_codes(gaz: Gazetteer) -> None:
    expected = {
        "Russia": (365, "RUS", 365),
        "United States": (2, "USA", 2),
        "Georgia": (372, "GRG", 372),
        "Kosovo": (347, "KOS", 347),
        "Germany": (255, "GMY", 260),
        "Serbia": (345, "YUG", 340),
        "Taiwan": (713, "TAW", 713),
        "Abkhazia": (None, None, 396),
        "South Ossetia": (None, None, 397),
    }
    for name, (cow, abbr, gw) in expected.items():
        e = gaz.resolve(name)
        assert (e.cow, e.cow_abbr, e.gw) == (cow, abbr, gw), name
    for e in gaz.states():
        assert (e.cow is None) == (e.cow_abbr is None), e.name
        if e.cow_abbr:
            assert re.fullmatch(r"[A-Z]{3}", e.cow_abbr), e.name


def test_organizations(gaz: Gazetteer) -> None:
    orgs = {e.name: e for e in gaz.organizations()}
    assert len(orgs) >= 40
    for name, qid in [("European Union", "Q458"), ("NATO", "Q7184"), ("United Nations", "Q1065")]:
        assert orgs[name].wikidata == qid
    for e in orgs.values():
        assert e.kind == "organization" and e.status is None
        assert e.parent is None or e.parent in orgs, e.name
    assert orgs["United Nations Security Council"].parent == "United Nations"
    assert orgs["Parliamentary Assembly of the Council of Europe"].parent == "Council of Europe"


def test_capitals_are_known_cities(gaz: Gazetteer) -> None:
    for e in gaz.states():
        if e.capital is None:
            continue
        found = gaz.city(e.capital)
        assert found is not None, (e.name, e.capital)
        if e.status != "historical":  # Saigon is in Vietnam now, Bonn in Germany
            assert found == (e.capital, e), e.name


def test_no_unintended_surface_collisions(gaz: Gazetteer) -> None:
    assert gaz.collisions == {}


# --------------------------------------------------------------------------- get / resolve


@pytest.mark.parametrize(
    "name", ["Russian Federation", "RUS", "RU", "Q159", "russia", "the Russian Federation", "Russian"]
)
def test_resolve_russia(gaz: Gazetteer, name: str) -> None:
    assert gaz.resolve(name).name == "Russia"
    assert gaz.get(name) is gaz.resolve(name)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Czechia", "Czech Republic"),
        ("Türkiye", "Turkey"),
        ("turkiye", "Turkey"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Cote d’Ivoire", "Ivory Coast"),
        ("Burma", "Myanmar"),
        ("Swaziland", "Eswatini"),
        ("Timor-Leste", "East Timor"),
        ("Vatican City", "Holy See"),
        ("State of Palestine", "Palestine"),
        ("Republic of China", "Taiwan"),
        ("ROC", "Taiwan"),
        ("People's Republic of China", "China"),
        ("PRC", "China"),
        ("Congo", "Republic of the Congo"),
        ("Zaire", "Democratic Republic of the Congo"),
        ("Korea, Republic of", "South Korea"),
        ("Republic of South Ossetia – the State of Alania", "South Ossetia"),
        ("South Ossetia-Alania", "South Ossetia"),
        ("Q23334", "Abkhazia"),
        ("Q31354462", "Abkhazia"),
        ("Federal Republic of Germany", "Germany"),
        ("Western Sahara", "Sahrawi Republic"),
        ("Nagorno-Karabakh Republic", "Artsakh"),
        ("XK", "Kosovo"),
        ("XKX", "Kosovo"),
        ("KOS", "Kosovo"),
        ("GRG", "Georgia"),
        ("AU", "African Union"),
        ("AUS", "Australia"),
        ("Organisation of African Unity", "African Union"),
        ("Commonwealth of Unrecognized States", "Community for Democracy and Rights of Nations"),
        ("UN General Assembly", "United Nations General Assembly"),
        ("Soviet", "Soviet Union"),
    ],
)
def test_resolve_names(gaz: Gazetteer, name: str, canonical: str) -> None:
    assert gaz.resolve(name).name == canonical


def test_codes_and_acronyms_are_case_sensitive_in_get(gaz: Gazetteer) -> None:
    # A person called Li or Pace is not Liechtenstein or the Parliamentary Assembly ...
    assert gaz.get("Li") is None and gaz.get("Pace") is None and gaz.get("us") is None
    assert gaz.get("LI").name == "Liechtenstein"  # type: ignore[union-attr]
    # ... but a user typing a code in lower case is understood.
    assert gaz.resolve("li").name == "Liechtenstein"
    assert gaz.resolve("rus").name == "Russia"
    assert gaz.resolve("nato").name == "NATO"


def test_historical_state_yields_to_its_successor(gaz: Gazetteer) -> None:
    assert gaz.get("YUG").name == "Yugoslavia"  # type: ignore[union-attr]  # ISO 3166-3 beats COW
    assert gaz.get("SUN").name == "Soviet Union"  # type: ignore[union-attr]


def test_unknown_name_suggests(gaz: Gazetteer) -> None:
    assert gaz.get("Rusia") is None
    with pytest.raises(UnknownEntityError) as info:
        gaz.resolve("Rusia")
    assert info.value.suggestions[0] == "Russia"
    assert len(info.value.suggestions) <= 3
    with pytest.raises(UnknownEntityError):
        gaz.resolve("")


@pytest.mark.parametrize("name", ["Korea", "Korean", "Congolese", "CS"])
def test_ambiguous_names(gaz: Gazetteer, name: str) -> None:
    assert gaz.get(name) is None
    with pytest.raises(AmbiguousEntityError) as info:
        gaz.resolve(name)
    assert len(info.value.candidates) == 2


def test_city_lookup(gaz: Gazetteer) -> None:
    assert gaz.city("Sukhumi") == ("Sukhumi", gaz.resolve("Abkhazia"))
    assert gaz.city("sokhumi") == ("Sukhumi", gaz.resolve("Abkhazia"))
    assert gaz.city("Lefkoşa") == ("North Nicosia", gaz.resolve("Northern Cyprus"))
    assert gaz.city("Nicosia") == ("Nicosia", gaz.resolve("Cyprus"))
    assert gaz.city("Prishtina") == ("Pristina", gaz.resolve("Kosovo"))
    assert gaz.city("East Jerusalem") == ("East Jerusalem", gaz.resolve("Palestine"))
    assert gaz.city("Jerusalem") == ("Jerusalem", gaz.resolve("Israel"))
    assert gaz.city("Atlantis") is None
    assert len(gaz.cities()) >= 400
    assert all(isinstance(state, Entity) and state.kind == "state" for _, state in gaz.cities())


def test_fold_name() -> None:
    assert fold_name("  The  Côte d’Ivoire ") == "cote d'ivoire"
    assert fold_name("South Ossetia – Alania") == fold_name("south ossetia-alania")


# --------------------------------------------------------------------------- find


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Papua New Guinea and Guinea", [("Papua New Guinea", "Papua New Guinea"), ("Guinea", "Guinea")]),
        (
            "Guinea-Bissau, Equatorial Guinea",
            [("Guinea-Bissau", "Guinea-Bissau"), ("Equatorial Guinea", "Equatorial Guinea")],
        ),
        ("Niger and Nigeria", [("Niger", "Niger"), ("Nigeria", "Nigeria")]),
        (
            "Dominica and the Dominican Republic",
            [("Dominica", "Dominica"), ("Dominican Republic", "Dominican Republic")],
        ),
        ("the Republic of Abkhazia", [("Republic of Abkhazia", "Abkhazia")]),
        ("the Russian Federation", [("Russian Federation", "Russia")]),
        (
            "the Republic of South Ossetia – the State of Alania",
            [("Republic of South Ossetia – the State of Alania", "South Ossetia")],
        ),
        ("the European Union", [("European Union", "European Union")]),
        (
            "the Parliamentary Assembly of the Council of Europe",
            [
                (
                    "Parliamentary Assembly of the Council of Europe",
                    "Parliamentary Assembly of the Council of Europe",
                )
            ],
        ),
        (
            "the Community for Democracy and Rights of Nations",
            [
                (
                    "Community for Democracy and Rights of Nations",
                    "Community for Democracy and Rights of Nations",
                )
            ],
        ),
        (
            "the Turkish Republic of Northern Cyprus",
            [("Turkish Republic of Northern Cyprus", "Northern Cyprus")],
        ),
        ("South Ossetian independence", [("South Ossetian", "South Ossetia")]),
        ("the Sahrawi Arab Democratic Republic", [("Sahrawi Arab Democratic Republic", "Sahrawi Republic")]),
        ("the People's Republic of China", [("People's Republic of China", "China")]),
        ("the People’s Republic of China", [("People’s Republic of China", "China")]),
        ("the Republic of China", [("Republic of China", "Taiwan")]),
        (
            "the Democratic Republic of the Congo",
            [("Democratic Republic of the Congo", "Democratic Republic of the Congo")],
        ),
        ("the Republic of the Congo", [("Republic of the Congo", "Republic of the Congo")]),
        ("Georgia severed relations", [("Georgia", "Georgia")]),
        (
            "the US and the U.S. and the UN",
            [("US", "United States"), ("U.S.", "United States"), ("UN", "United Nations")],
        ),
        (
            "Turkish Cypriot and Greek Cypriot",
            [("Turkish Cypriot", "Northern Cyprus"), ("Greek Cypriot", "Cyprus")],
        ),
        (
            "the CIS and CIS-2",
            [
                ("CIS", "Commonwealth of Independent States"),
                ("CIS-2", "Community for Democracy and Rights of Nations"),
            ],
        ),
    ],
)
def test_find_overlapping_names(gaz: Gazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    assert names(gaz.find(text)) == expected


def test_find_possessives_and_adjectives(gaz: Gazetteer) -> None:
    found = gaz.find(
        "Abkhazia's first ambassador met Russia’s envoy at the Russian embassy; Nicaraguan officials"
    )
    assert names(found) == [
        ("Abkhazia", "Abkhazia"),
        ("Russia", "Russia"),
        ("Russian", "Russia"),
        ("Nicaraguan", "Nicaragua"),
    ]
    assert [m.form for m in found] == ["name", "name", "adjective", "adjective"]
    assert found[0].start == 0 and found[0].end == len("Abkhazia")
    assert names(gaz.find("Russians, Americans and Kosovars")) == [
        ("Russians", "Russia"),
        ("Americans", "United States"),
        ("Kosovars", "Kosovo"),
    ]


def test_find_cities(gaz: Gazetteer) -> None:
    found = gaz.find(
        "embassies in Sukhumi, Tskhinvali, Tiraspol and North Nicosia, and a consulate in Moscow"
    )
    assert [(m.text, m.entity.name, m.form, m.city) for m in found] == [
        ("Sukhumi", "Abkhazia", "city", "Sukhumi"),
        ("Tskhinvali", "South Ossetia", "city", "Tskhinvali"),
        ("Tiraspol", "Transnistria", "city", "Tiraspol"),
        ("North Nicosia", "Northern Cyprus", "city", "North Nicosia"),
        ("Moscow", "Russia", "city", "Moscow"),
    ]
    # A city named like its state is the state.
    assert [m.form for m in gaz.find("Singapore and Monaco")] == ["name", "name"]


def test_find_ignores_codes_lower_case_and_non_entities(gaz: Gazetteer) -> None:
    assert gaz.find("RUS GEO ABK") == []
    assert gaz.find("let us meet; russia in lower case") == []
    assert gaz.find("New Guinea, American Samoa, Latin America, the Indian Ocean, the Korean War") == []
    assert gaz.find("Korea and the Congolese") == []  # ambiguous: no mention
    assert names(gaz.find("North Ossetia–Alania and South Ossetia")) == [("South Ossetia", "South Ossetia")]


def test_find_spans_match_text(gaz: Gazetteer) -> None:
    text = "Côte d'Ivoire, Cote d'Ivoire and São Tomé and Príncipe opened embassies in Washington, D.C."
    found = gaz.find(text)
    assert [m.entity.name for m in found] == [
        "Ivory Coast",
        "Ivory Coast",
        "São Tomé and Príncipe",
        "United States",
    ]
    for m in found:
        assert text[m.start : m.end] == m.text


# --------------------------------------------------------------------------- properties

_GAZ = load_gazetteer()
_PAIRS = [(e, form) for e in _GAZ for form in (*e.names, *e.adjectives)]
_SURFACES = [form for _, form in _PAIRS] + [city for city, _ in _GAZ.cities()]


def _accepts(gaz: Gazetteer, query: str, ent: Entity) -> bool:
    try:
        return gaz.resolve(query) is ent
    except AmbiguousEntityError as error:
        return ent.name in error.candidates


@given(pair=st.sampled_from(_PAIRS), data=st.data())
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_every_alias_resolves_back(pair: tuple[Entity, str], data: st.DataObject) -> None:
    ent, form = pair
    assert _accepts(_GAZ, form, ent), (form, ent.name)
    found = _GAZ.get(form)
    assert found is ent or (found is None and _accepts(_GAZ, form, ent))
    # The same name written differently: case, spacing, "the", curly apostrophes, dashes.
    variant = form
    if data.draw(st.booleans(), label="lower"):
        variant = variant.lower()
    if data.draw(st.booleans(), label="the"):
        variant = "the " + variant
    variant = variant.replace("'", data.draw(st.sampled_from(["'", "’"]), label="apostrophe"))
    variant = variant.replace("–", data.draw(st.sampled_from(["–", "-", " - "]), label="dash"))
    variant = "  " + variant.replace(" ", data.draw(st.sampled_from([" ", "  "]), label="space")) + " "
    assert _accepts(_GAZ, variant, ent), (variant, ent.name)


_CHUNK = st.one_of(
    st.sampled_from(_SURFACES),
    st.sampled_from(_SURFACES).map(lambda s: s + "'s"),
    st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), max_size=12),
)


@given(
    chunks=st.lists(_CHUNK, max_size=12),
    seps=st.lists(st.sampled_from([" ", "", "-", "–", ", ", "\n", "’"]), max_size=12),
)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_find_never_overlaps(chunks: list[str], seps: list[str]) -> None:
    text = "".join(c + (seps[i % len(seps)] if seps else " ") for i, c in enumerate(chunks))
    found = _GAZ.find(text)
    for m in found:
        assert text[m.start : m.end] == m.text and m.text
        assert m.form in ("name", "adjective", "code", "city")
        assert m.start == 0 or not (text[m.start - 1].isalnum() or text[m.start - 1] == "_")
        assert m.end == len(text) or not (text[m.end].isalnum() or text[m.end] == "_")
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


# --------------------------------------------------------------------------- shared gold data


@pytest.mark.shared
def test_gold_aliases_resolve(gaz: Gazetteer) -> None:
    path = SHARED / "gold" / "aliases.json"
    if not path.exists():
        pytest.skip("../shared/gold/aliases.json is not present")
    aliases = json.loads(path.read_text(encoding="utf-8"))
    for canonical, others in aliases.items():
        assert gaz.resolve(canonical).name == canonical
        for other in others:
            assert gaz.resolve(other).name == canonical, other


@pytest.mark.shared
def test_dev_corpus_mentions(gaz: Gazetteer) -> None:
    path = SHARED / "corpus" / "dev" / "abkhazia-russia.txt"
    if not path.exists():
        pytest.skip("../shared/corpus/dev is not present")
    found = gaz.find(path.read_text(encoding="utf-8"))
    seen = {m.entity.name for m in found}
    assert {"Abkhazia", "Russia", "Georgia", "South Ossetia", "European Union", "NATO"} <= seen
    assert any(m.form == "city" and m.city == "Sukhumi" for m in found)
