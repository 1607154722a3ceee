"""The selection rules of dump ingestion (dyad.scale.select): pure functions of title and text."""

from __future__ import annotations

import pytest

from dyad.scale import has_bilateral_infobox, redirect_target, relations_title, select_page
from dyad.scale.select import normalise_title


@pytest.mark.parametrize(
    "title",
    [
        "Abkhazia–Russia relations",  # en dash
        "Abkhazia—Russia relations",  # em dash
        "Abkhazia-Russia relations",  # hyphen-minus
        "Abkhazia\u2010Russia relations",  # hyphen
        "Abkhazia\u2212Russia relations",  # minus sign
        "Abkhazia – Russia relations",  # spaced dash
        "Guinea-Bissau–Portugal relations",  # a name with its own hyphen
        "Bosnia and Herzegovina–Serbia relations",
        "Germany–Soviet Union relations (1918–1941)",  # qualifier
        "Côte d'Ivoire–France relations",
        "Holy See–Italy relations",
    ],
)
def test_bilateral_titles(title: str) -> None:
    assert relations_title(title) == "bilateral"
    assert select_page(title) == "title:bilateral"


@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("Foreign relations of Angola", "foreign_relations"),
        ("Foreign relations of the United States", "foreign_relations"),
        ("Foreign relations of the Holy See", "foreign_relations"),
        ("Foreign Relations of Angola", "foreign_relations"),
        ("Foreign relations of the Soviet Union (1922–1991)", "foreign_relations"),
        ("List of diplomatic missions of Kosovo", "missions"),
        ("List of diplomatic missions in Kosovo", "missions"),
        ("List of diplomatic missions of the Sovereign Military Order of Malta", "missions"),
        ("International recognition of Kosovo", "recognition"),
        ("International recognition of the State of Palestine", "recognition"),
    ],
)
def test_other_rules(title: str, rule: str) -> None:
    assert relations_title(title) == rule
    assert select_page(title) == f"title:{rule}"


@pytest.mark.parametrize(
    "title",
    [
        "Public relations",
        "International relations",
        "Foreign relations",
        "Foreign relations of",
        "Relations",
        "–Russia relations",
        "Russia– relations",
        "Abkhazia–Russia relationship",
        "Abkhazia–Russia border",
        "Politics of Angola",
        "Angola",
        "List of diplomatic missions",
        "Diplomatic missions of Kosovo",
        "Recognition of same-sex unions in Europe",
        "",
    ],
)
def test_titles_not_selected(title: str) -> None:
    assert relations_title(title) is None
    assert select_page(title, "no infobox here") is None


def test_infobox_rule() -> None:
    text = "{{Infobox bilateral relations|Estonia–Latvia relations|Estonia|Latvia}}\nText."
    assert has_bilateral_infobox(text)
    assert has_bilateral_infobox(text.encode())
    assert select_page("Treaty of Example", text) == "infobox"
    for variant in (
        "{{ infobox Bilateral relations |A|B}}",
        "{{Infobox_bilateral_relations|A|B}}",
        "{{Template:Infobox bilateral relations|A|B}}",
    ):
        assert has_bilateral_infobox(variant), variant
        assert has_bilateral_infobox(variant.encode()), variant
    # a mention of the word, or another infobox, is not enough
    assert not has_bilateral_infobox("Their bilateral relations are warm. {{Infobox country|name=X}}")
    assert not has_bilateral_infobox(b"Infobox bilateral relations without braces")
    assert select_page("Treaty of Example", "Bilateral relations, mentioned only.") is None


def test_only_articles_are_selected() -> None:
    title = "Abkhazia–Russia relations"
    assert select_page(title, namespace=1) is None
    assert (
        select_page("Template:Infobox bilateral relations", "{{Infobox bilateral relations}}", namespace=10)
        is None
    )
    assert select_page(title, redirect="Abkhazia–Russia relations") is None


def test_select_all_takes_every_article() -> None:
    assert select_page("Angola", "A country.", mode="all") == "all"
    assert select_page("Talk:Angola", namespace=1, mode="all") is None
    assert select_page("Angola (country)", redirect="Angola", mode="all") is None
    with pytest.raises(ValueError, match="unknown selection"):
        select_page("Angola", mode="some")


def test_redirect_targets() -> None:
    # the target is selected by its own title: nothing more to fetch
    assert redirect_target("Russia–Abkhazia relations", "Abkhazia–Russia relations") is None
    assert redirect_target("Albania–Kosovo relations", "Foreign relations of Kosovo#Albania") is None
    # a relations title pointing elsewhere makes the target wanted (section dropped, title normalised)
    assert redirect_target("Georgia–Russia relations", "Five-Day War") == "Five-Day War"
    assert redirect_target("Georgia–Russia relations", "five-Day_War#Background") == "Five-Day War"
    # redirects whose own title is not a relations title are not followed
    assert redirect_target("Albania/Foreign relations", "Foreign relations of Albania") is None
    assert redirect_target("AfghanistanTransnationalIssues", "Foreign relations of Afghanistan") is None
    assert redirect_target("Talk:Georgia–Russia relations", "Talk:Five-Day War", namespace=1) is None
    assert redirect_target("Georgia–Russia relations", None) is None


def test_normalise_title() -> None:
    assert normalise_title("five_Day  War") == "Five Day War"
    assert normalise_title("") == ""
