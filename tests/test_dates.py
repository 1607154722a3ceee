"""Tests for :mod:`dyad.extract.dates`: the date grammar, context resolution and user input.

Every example sentence here is written for these tests (no corpus text is copied). The
hypothesis tests render random dates in every supported style inside random text, because a
date grammar fails on the combinations nobody thought to write down.
"""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dyad.errors import DateError, InputError
from dyad.extract.dates import DateContext, DateMention, date_bounds, find_dates, parse_date

VALUE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def only(text: str) -> DateMention:
    """The single mention in ``text`` (fails with the list when there is not exactly one)."""
    mentions = find_dates(text)
    assert len(mentions) == 1, mentions
    return mentions[0]


def values(text: str) -> list[str | None]:
    return [m.value for m in find_dates(text)]


def resolve_all(sentences: list[str], ctx: DateContext | None = None) -> list[str | None]:
    """Resolve every mention of every sentence in order, as the extractor does."""
    ctx = ctx or DateContext()
    out: list[str | None] = []
    for sentence in sentences:
        mentions = find_dates(sentence)
        for i, mention in enumerate(mentions):
            out.append(ctx.resolve(mention, mentions[i + 1 :]))
    return out


# --------------------------------------------------------------------------------------------
# Absolute forms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "span", "value"),
    [
        # day first
        ("The accord was concluded on 26 August 2008 in Moscow.", "26 August 2008", "2008-08-26"),
        ("Talks resumed on 3 Aug 2011 after a pause.", "3 Aug 2011", "2011-08-03"),
        ("Envoys met on 14 Feb. 1999 in Geneva.", "14 Feb. 1999", "1999-02-14"),
        ("Envoys met on 30 Sept. 1999 in Geneva.", "30 Sept. 1999", "1999-09-30"),
        ("It entered into force on 1st January 2004.", "1st January 2004", "2004-01-01"),
        ("The mission closed on 22nd March 2016, quietly.", "22nd March 2016", "2016-03-22"),
        ("Signed 9 November, 1989, in a hurry.", "9 November, 1989", "1989-11-09"),
        ("Signed on 09 June 1967 by both sides.", "09 June 1967", "1967-06-09"),
        ("The decree of 5\u00a0May 2012 was published.", "5\u00a0May 2012", "2012-05-05"),
        # month first
        ("The summit opened on March 4, 2010 in Lisbon.", "March 4, 2010", "2010-03-04"),
        ("The summit opened on March 4 2010 in Lisbon.", "March 4 2010", "2010-03-04"),
        ("It was signed Oct. 2, 1990, at noon.", "Oct. 2, 1990", "1990-10-02"),
        ("It was signed October 2nd, 1990, at noon.", "October 2nd, 1990", "1990-10-02"),
        ("It was signed Dec 31, 1999.", "Dec 31, 1999", "1999-12-31"),
        # ISO and dotted
        ("The record is dated 2008-08-26 in the archive.", "2008-08-26", "2008-08-26"),
        ("The stamp reads 18.02.2008 in blue ink.", "18.02.2008", "2008-02-18"),
        ("The stamp reads 3.7.1995 in blue ink.", "3.7.1995", "1995-07-03"),
        # "the 26th of August"
        ("It happened on the 26th of August 2008.", "the 26th of August 2008", "2008-08-26"),
        ("It happened on the 3rd of March, 1921, at dawn.", "the 3rd of March, 1921", "1921-03-03"),
        ("By 2nd of April 1945 it was over.", "2nd of April 1945", "1945-04-02"),
        # leap day, bounds of the year range
        ("The note is dated 29 February 2008.", "29 February 2008", "2008-02-29"),
        ("A treaty of 1 January 1600 is the oldest.", "1 January 1600", "1600-01-01"),
        ("The plan runs to 31 December 2100.", "31 December 2100", "2100-12-31"),
    ],
)
def test_full_dates(sentence: str, span: str, value: str) -> None:
    mention = only(sentence)
    assert mention.text == span
    assert sentence[mention.start : mention.end] == span
    assert mention.value == value
    assert mention.precision == "day"
    assert not mention.attributive


@pytest.mark.parametrize(
    ("sentence", "span", "month", "day"),
    [
        ("On 20 September, the delegation arrived.", "20 September", 9, 20),
        ("The bill was ratified on 27 December by the assembly.", "27 December", 12, 27),
        ("September 20 was chosen for the vote.", "September 20", 9, 20),
        ("They met again on the 4th of July.", "the 4th of July", 7, 4),
        ("It was adopted on 29 February.", "29 February", 2, 29),
        ("Talks ended on May 5 without result.", "May 5", 5, 5),
    ],
)
def test_day_and_month_without_year(sentence: str, span: str, month: int, day: int) -> None:
    mention = only(sentence)
    assert (mention.text, mention.year, mention.month, mention.day) == (span, None, month, day)
    assert mention.value is None  # incomplete until a context gives the year


@pytest.mark.parametrize(
    "sentence",
    [
        "The parties may meet again next spring.",
        "May the talks succeed, the minister said.",
        "Protesters will march on the capital.",
        "They hope that May brings an agreement.",  # a bare month without preposition
        "The March of the Volunteers was played.",
        "Delegates from Jordan and Oman attended.",
        "The 45 May protest and 0 June rally are not dates.",
    ],
)
def test_not_dates(sentence: str) -> None:
    assert find_dates(sentence) == []


def test_impossible_days_keep_only_what_is_true() -> None:
    # The day is dropped, the month and year the text states remain.
    assert values("31 April 2010 is no day at all.") == ["2010-04"]
    assert values("29 February 2009 is no day either.") == ["2009-02"]
    assert values("On 30 February, nothing happened.") == []


def test_bare_month_after_preposition() -> None:
    mention = only("In August, the chancery was inaugurated.")
    assert (mention.text, mention.year, mention.month, mention.day) == ("August", None, 8, None)
    mention = only("The office should open by mid-May at the latest.")
    assert (mention.text, mention.month, mention.qualifier) == ("mid-May", 5, "mid")
    assert [m.month for m in find_dates("It lasted from March until late June.")] == [3, 6]


@pytest.mark.parametrize(
    ("sentence", "span", "value", "qualifier"),
    [
        ("The embassy opened in August 2008.", "August 2008", "2008-08", None),
        ("The embassy opened in Aug. 2008.", "Aug. 2008", "2008-08", None),
        ("The embassy opened in August, 2008.", "August, 2008", "2008-08", None),
        ("The embassy opened in August of 2008.", "August of 2008", "2008-08", None),
        ("The embassy opened in mid-August 2008.", "mid-August 2008", "2008-08", "mid"),
        ("The embassy opened in late August 2008.", "late August 2008", "2008-08", "late"),
        ("The embassy opened in early 2009.", "early 2009", "2009", "early"),
        ("The embassy opened in mid-2009.", "mid-2009", "2009", "mid"),
        ("Late 2009 saw the embassy open.", "Late 2009", "2009", "late"),
        ("The embassy opened in 2009.", "2009", "2009", None),
        ("The embassy opened (2009) in the capital.", "2009", "2009", None),
        ("The embassy opened in the spring of 2014.", "the spring of 2014", "2014", "spring"),
        ("The embassy opened in summer 2010.", "summer 2010", "2010", "summer"),
        ("The embassy opened in Autumn 1999.", "Autumn 1999", "1999", "autumn"),
        ("The embassy opened in the late autumn of 1999.", "the late autumn of 1999", "1999", "autumn"),
    ],
)
def test_month_and_year_precision(sentence: str, span: str, value: str, qualifier: str | None) -> None:
    mention = only(sentence)
    assert (mention.text, mention.value, mention.qualifier) == (span, value, qualifier)
    assert mention.day is None
    assert mention.precision == ("month" if len(value) == 7 else "year")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("2008-02-18", "2008-02-18"),
        ("18 February 2008", "2008-02-18"),
        ("February 18, 2008", "2008-02-18"),
        ("18.02.2008", "2008-02-18"),
        ("2008", "2008"),
        ("February 2008", "2008-02"),
        (" 7 May 2012 ", "2012-05-07"),
    ],
)
def test_table_cells(cell: str, value: str) -> None:
    assert values(cell) == [value]


def test_table_row() -> None:
    row = "| 12 August 2009 | | 15 June 2012 | | Agreement on trade | Valid for 49 years |"
    assert values(row) == ["2009-08-12", "2012-06-15"]


# --------------------------------------------------------------------------------------------
# Years, numbers that are not years, attributive mentions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The base lease runs in 15-year periods.",
        "It is valid for 49 years.",
        "They marked the 15th anniversary of independence.",
        "About 1,000 soldiers and 1,800 police were deployed.",
        "Resolution 1244 and resolution 1701 were cited.",
        "See decree No. 1999 and number 1820 of the register.",
        "The grant was $2008 per family.",
        "Some 2000 troops crossed the border.",
        "The road is 1800 km long and the turnout was 1950 votes.",
        "An error rate of 1,2008 and 3.2008 are not years.",
        "The years 1599 and 2101 are outside the range.",
        "A G2008 summit code name.",
    ],
)
def test_numbers_that_are_not_years(sentence: str) -> None:
    assert find_dates(sentence) == []


def test_temporal_preposition_wins_over_count_noun() -> None:
    assert values("In 2000 troops were sent to the border.") == ["2000"]
    assert values("By 1999 people had left.") == ["1999"]


@pytest.mark.parametrize(
    ("sentence", "span", "value"),
    [
        ("Medvedev cited the 1970 Declaration on friendly relations.", "1970", "1970"),
        ("During the 2008 Russo-Georgian War, troops advanced.", "2008", "2008"),
        ("Recognition followed the August 2008 war.", "August 2008", "2008-08"),
        ("Recognition followed the August 2008 Russo-Georgian War.", "August 2008", "2008-08"),
        ("Russia's 2008 recognition was condemned.", "2008", "2008"),
        ("The states' 2011 agreement was renewed.", "2011", "2011"),
        ("He cited the Helsinki Final Act of 1975 and other acts.", "1975", "1975"),
        ("They commemorated the 26 August 2008 decision.", "26 August 2008", "2008-08-26"),
        ("The 2016–2020 programme ended.", "2016–2020", "2016"),
    ],
)
def test_attributive(sentence: str, span: str, value: str) -> None:
    mention = only(sentence)
    assert (mention.text, mention.value, mention.attributive) == (span, value, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2009 Russia opened an embassy.",
        "On 15 April 2008 the chancery was opened.",
        "The chancery opened in the 2008 and 2009 seasons.",
        "As of 2010, the office remained open.",
        "The war of 2008 changed the region.",
        "At the end of 2008 the office closed.",
        "The 2008 and 2009 talks failed.",
    ],
)
def test_not_attributive(sentence: str) -> None:
    assert not find_dates(sentence)[0].attributive


# --------------------------------------------------------------------------------------------
# Ranges, lists, doubled words, decades
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "span", "value"),
    [
        ("The talks ran 18 to 20 April 2015 in Minsk.", "18 to 20 April 2015", "2015-04-18"),
        ("The talks ran 18–20 April 2015 in Minsk.", "18–20 April 2015", "2015-04-18"),
        ("The talks ran 18-20 April 2015 in Minsk.", "18-20 April 2015", "2015-04-18"),
        ("The talks ran 18 – 20 April 2015 in Minsk.", "18 – 20 April 2015", "2015-04-18"),
        ("The talks ran April 18–20, 2015 in Minsk.", "April 18–20, 2015", "2015-04-18"),
        ("The talks ran from 18 April to 2 May 2015.", "from 18 April to 2 May 2015", "2015-04-18"),
        ("The talks ran from April 18 to May 2, 2015.", "from April 18 to May 2, 2015", "2015-04-18"),
        ("The talks ran between 1 and 3 May 2012.", "between 1 and 3 May 2012", "2012-05-01"),
        ("The talks ran between April 18 and 20, 2015.", "between April 18 and 20, 2015", "2015-04-18"),
        ("The talks ran between 1 May and 3 June 2012.", "between 1 May and 3 June 2012", "2012-05-01"),
        ("The talks ran 28 December – 2 January 2015.", "28 December – 2 January 2015", "2014-12-28"),
        (
            "The talks ran from 28 December 2014 to 2 January 2015.",
            "from 28 December 2014 to 2 January 2015",
            "2014-12-28",
        ),
        ("The talks ran April–May 2015.", "April–May 2015", "2015-04"),
        ("The talks ran from April to June 2015.", "from April to June 2015", "2015-04"),
        ("The talks ran December 2014 – January 2015.", "December 2014 – January 2015", "2014-12"),
        ("The talks ran 2008–2009.", "2008–2009", "2008"),
        ("The talks ran 2008-2009.", "2008-2009", "2008"),
        ("The talks ran 2008–09.", "2008–09", "2008"),
        ("The talks ran 1999–00.", "1999–00", "1999"),
        ("The talks ran from 2008 to 2012.", "from 2008 to 2012", "2008"),
        ("The talks ran between 2008 and 2012.", "between 2008 and 2012", "2008"),
        ("The talks ran in the winter of 2013–14.", "the winter of 2013–14", "2013"),
    ],
)
def test_ranges(sentence: str, span: str, value: str) -> None:
    mention = only(sentence)
    assert (mention.text, mention.value, mention.is_range_start) == (span, value, True)


def test_range_without_year_keeps_the_gap() -> None:
    mention = only("The talks ran 18 to 20 April.")
    assert (mention.year, mention.month, mention.day, mention.is_range_start) == (None, 4, 18, True)


def test_iso_like_year_month_is_a_month_unless_it_reads_as_a_range() -> None:
    assert only("Filed under 2008-05.").value == "2008-05"
    # "2011-12" is also the usual way to write the season 2011–2012: the safe reading is the
    # year, which is never more precise than the text.
    mention = only("The 2011-12 session ended.")
    assert (mention.value, mention.is_range_start) == ("2011", True)


def test_lists_give_one_mention_per_date() -> None:
    assert [(m.text, m.value) for m in find_dates("They met on 5 and 7 May 2012.")] == [
        ("5", "2012-05-05"),
        ("7 May 2012", "2012-05-07"),
    ]
    assert values("They met on May 5 and 7, 2012.") == ["2012-05-05", "2012-05-07"]
    assert values("They met in 2008 and 2012.") == ["2008", "2012"]


def test_doubled_month_word() -> None:
    mention = only("On 10 December December 2010, the envoy arrived.")
    assert (mention.text, mention.value) == ("10 December December 2010", "2010-12-10")


@pytest.mark.parametrize(
    ("sentence", "span", "year", "qualifier"),
    [
        ("Relations improved in the 1990s.", "1990s", 1990, None),
        ("Relations improved in the mid-1990s.", "mid-1990s", 1990, "mid"),
        ("Relations improved in the late 1960s and early 1970s.", "late 1960s", 1960, "late"),
        ("Relations improved in the 2000s.", "2000s", 2000, None),
        ("Relations improved in the 1990's.", "1990's", 1990, None),
    ],
)
def test_decades(sentence: str, span: str, year: int, qualifier: str | None) -> None:
    mention = find_dates(sentence)[0]
    assert (mention.text, mention.year, mention.decade, mention.qualifier) == (span, year, True, qualifier)
    assert mention.value is None
    assert mention.precision is None
    assert DateContext().resolve(mention) is None


def test_centuries_are_ignored() -> None:
    assert find_dates("Relations go back to the 19th century.") == []


# --------------------------------------------------------------------------------------------
# Relative expressions
# --------------------------------------------------------------------------------------------

RELATIVES = [
    ("two days later", ("day", 2)),
    ("2 days later", ("day", 2)),
    ("a day later", ("day", 1)),
    ("one day later", ("day", 1)),
    ("ten days earlier", ("day", -10)),
    ("the following day", ("day", 1)),
    ("the next day", ("day", 1)),
    ("the day before", ("day", -1)),
    ("the day after", ("day", 1)),
    ("the previous day", ("day", -1)),
    ("the same day", ("day", 0)),
    ("that day", ("day", 0)),
    ("later that day", ("day", 0)),
    ("later the same day", ("day", 0)),
    ("that evening", ("day", 0)),
    ("the next morning", ("day", 1)),
    ("a week later", ("week", 1)),
    ("three weeks later", ("week", 3)),
    ("two weeks afterwards", ("week", 2)),
    ("a month later", ("month", 1)),
    ("a month earlier", ("month", -1)),
    ("two months later", ("month", 2)),
    ("the following month", ("month", 1)),
    ("the same month", ("month", 0)),
    ("the following year", ("year", 1)),
    ("the next year", ("year", 1)),
    ("a year later", ("year", 1)),
    ("the same year", ("year", 0)),
    ("later that year", ("year", 0)),
    ("earlier that year", ("year", 0)),
    ("that year", ("year", 0)),
    ("that same year", ("year", 0)),
    ("the previous year", ("year", -1)),
    ("the year before", ("year", -1)),
    ("two and a half years later", ("month", 30)),
    ("a year and a half later", ("month", 18)),
    ("half a year later", ("month", 6)),
]


@pytest.mark.parametrize(("phrase", "relative"), RELATIVES)
def test_relative_expressions(phrase: str, relative: tuple[str, int]) -> None:
    for sentence in (
        f"The envoy returned {phrase}.",
        f"{phrase[0].upper()}{phrase[1:]}, the envoy returned.",
    ):
        mention = only(sentence)
        assert mention.text.lower() == phrase
        assert mention.relative == relative
        assert (mention.year, mention.month, mention.day, mention.value) == (None, None, None, None)
        assert not mention.attributive


def test_relative_span_leaves_the_preposition_out() -> None:
    mention = only("The protocol was signed on the same day in the capital.")
    assert (mention.text, mention.relative, mention.precision) == ("the same day", ("day", 0), None)


@pytest.mark.parametrize(
    "sentence",
    [
        "A day before the anniversary, the leaders met.",  # relative to the anniversary, not a date
        "Two days after the vote, the leaders met.",
        "Several days later the leaders met.",
        "On Monday the leaders met; today they part.",
        "They met the following week.",  # no definite day
        "The delay was 1,000 days later than planned.",
        "It lasted for days and weeks.",
        "Two and a half days later the talks ended.",  # half a day: no definite date
    ],
)
def test_not_relative(sentence: str) -> None:
    assert find_dates(sentence) == []


# --------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------


def test_year_carries_over_sentences() -> None:
    sentences = [
        "On 27 January 2014, the president recalled the ambassador.",
        "The successor received his credentials on 7 February.",
        "He presented them on 28 February to the president.",
    ]
    assert resolve_all(sentences) == ["2014-01-27", "2014-02-07", "2014-02-28"]


def test_month_after_the_next_explicit_date_is_the_previous_year() -> None:
    sentences = [
        "On 19 September 2005 the two presidents signed a treaty.",
        "It was ratified by one parliament on 27 December and by the other on 15 February 2006.",
    ]
    assert resolve_all(sentences) == ["2005-09-19", "2005-12-27", "2006-02-15"]
    # without any context, the following date alone decides
    assert resolve_all(sentences[1:]) == ["2005-12-27", "2006-02-15"]


def test_same_year_for_consecutive_partial_dates() -> None:
    sentences = [
        "On 15 April 2013, the new ambassador was appointed.",
        "On 19 August, he presented copies of his credentials to the minister, and on 20 August, to the head"
        " of state.",
    ]
    assert resolve_all(sentences) == ["2013-04-15", "2013-08-19", "2013-08-20"]


def test_a_later_back_reference_does_not_pull_the_year_back() -> None:
    sentences = [
        "In 2009 the campaign continued.",
        "On 5 September, a third state followed the recognition of 26 August 2008.",
    ]
    assert resolve_all(sentences) == ["2009", "2009-09-05", "2008-08-26"]


def test_year_only_mention_sets_the_year_but_not_the_day() -> None:
    sentences = ["In 2015 the office moved.", "On 3 May it reopened.", "Two days later it closed."]
    assert resolve_all(sentences) == ["2015", "2015-05-03", "2015-05-05"]
    assert resolve_all(["In 2015 the office moved.", "Two days later it closed."]) == ["2015", None]
    assert resolve_all(["In August 2015 the office moved.", "Two days later it closed."]) == ["2015-08", None]
    assert resolve_all(["In August 2015 the office moved.", "A month later it closed."]) == [
        "2015-08",
        "2015-09",
    ]


@pytest.mark.parametrize(
    ("anchor", "phrase", "expected"),
    [
        ("5 March 2012", "two days later", "2012-03-07"),
        ("5 March 2012", "the day before", "2012-03-04"),
        ("5 March 2012", "the same day", "2012-03-05"),
        ("30 December 2011", "three days later", "2012-01-02"),
        ("28 February 2012", "the next day", "2012-02-29"),
        ("1 March 2013", "the previous day", "2013-02-28"),
        ("1 January 2010", "a day earlier", "2009-12-31"),
        ("25 December 2010", "a week later", "2011-01-01"),
        ("15 December 2012", "a month later", "2013-01"),
        ("15 January 2012", "a month earlier", "2011-12"),
        ("15 January 2012", "the same month", "2012-01"),
        ("15 January 2012", "the following year", "2013"),
        ("15 January 2012", "later that year", "2012"),
        ("January 2010", "a month earlier", "2009-12"),
        ("September 2011", "two and a half years later", "2014-03"),
        ("January 2010", "two days later", None),  # a day offset needs a day
        ("2010", "a month later", None),
        ("2010", "the following year", "2011"),
        ("2010", "that day", None),
    ],
)
def test_relative_resolution(anchor: str, phrase: str, expected: str | None) -> None:
    sentences = [f"The accord was signed in {anchor}.", f"{phrase[0].upper()}{phrase[1:]}, it took effect."]
    assert resolve_all(sentences)[1] == expected


def test_relative_dates_chain() -> None:
    sentences = [
        "The ceasefire began on 12 August 2008.",
        "Two days later the forces withdrew.",
        "The next day the monitors arrived.",
    ]
    assert resolve_all(sentences) == ["2008-08-12", "2008-08-14", "2008-08-15"]


def test_a_list_of_dates_shares_the_later_year() -> None:
    assert resolve_all(["The ministers met on 1 May and 3 June 2012."]) == ["2012-05-01", "2012-06-03"]


def test_leap_day_in_a_year_without_one_resolves_to_none() -> None:
    assert resolve_all(["The note is dated 3 March 2009.", "On 29 February, it was sent."]) == [
        "2009-03-03",
        None,
    ]
    assert resolve_all(["The note is dated 3 March 2008.", "On 29 February, it was sent."]) == [
        "2008-03-03",
        "2008-02-29",
    ]


def test_no_context_gives_none() -> None:
    assert resolve_all(["On 20 September, the delegation arrived.", "The same day it left."]) == [None, None]


def test_attributive_mentions_do_not_move_the_anchor() -> None:
    sentences = [
        "On 3 March 2012, the envoy arrived.",
        "He cited the 1970 Declaration and the Final Act of 1975.",
        "On 9 March, he left.",
    ]
    assert resolve_all(sentences) == ["2012-03-03", "1970", "1975", "2012-03-09"]
    # the extractor observes every mention after resolving it: that must not change anything
    ctx = DateContext()
    for sentence in sentences:
        mentions = find_dates(sentence)
        for i, mention in enumerate(mentions):
            ctx.observe(mention, ctx.resolve(mention, mentions[i + 1 :]))
    assert ctx.anchor == "2012-03-09"
    ctx.observe(only("the 2008 war"), "2008")
    assert ctx.anchor == "2012-03-09"


def test_paragraphs_keep_and_sections_reset_the_context() -> None:
    ctx = DateContext()
    assert resolve_all(["On 3 March 2012, the envoy arrived."], ctx) == ["2012-03-03"]
    ctx.reset_paragraph()
    assert ctx.anchor == "2012-03-03"
    assert resolve_all(["On 9 March, he left."], ctx) == ["2012-03-09"]
    ctx.reset_section()
    assert ctx.anchor is None
    assert resolve_all(["On 9 March, he left."], ctx) == [None]


def test_observe_and_resolve_without_update() -> None:
    ctx = DateContext()
    later = only("Two days later it closed.")
    ctx.observe(later, "2011-06-10")
    assert ctx.anchor == "2011-06-10"
    assert ctx.resolve(later, update=False) == "2011-06-12"
    assert ctx.anchor == "2011-06-10"
    ctx.observe(later, None)  # an unresolved date keeps the anchor
    assert ctx.anchor == "2011-06-10"
    assert ctx.resolve(later) == "2011-06-12"
    assert ctx.anchor == "2011-06-12"


def test_observe_keeps_precision() -> None:
    ctx = DateContext()
    ctx.observe(only("in 2015"), "2015")
    assert ctx.anchor == "2015"
    assert ctx.resolve(only("on 4 July")) == "2015-07-04"


# --------------------------------------------------------------------------------------------
# User input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2008", "2008"),
        ("2008-08", "2008-08"),
        ("2008-8", "2008-08"),
        ("2008-08-26", "2008-08-26"),
        ("2008-8-6", "2008-08-06"),
        ("  2008-08-26 ", "2008-08-26"),
        ("26 August 2008", "2008-08-26"),
        ("August 26, 2008", "2008-08-26"),
        ("26 Aug 2008", "2008-08-26"),
        ("August 2008", "2008-08"),
        ("18.02.2008", "2008-02-18"),
        ("1453", "1453"),  # ISO input may reach past the years prose is read in
    ],
)
def test_parse_date(text: str, value: str) -> None:
    assert parse_date(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "yesterday",
        "2008-13",
        "2008-02-30",
        "0000",
        "30 February 2008",
        "26 August",
        "the 1990s",
        "two days later",
        "18–20 April 2015",
        "2008 and 2009",
        "on 26 August 2008",
        "26/08/2008",
        "line one\nline two",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    message = str(info.value)
    assert "\n" not in message
    assert repr(text.strip() if text.strip() else text)[1:-1][:20] in message or repr(text) in message
    assert isinstance(info.value, InputError)
    assert info.value.hint


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2008", datetime.date(2008, 1, 1), datetime.date(2008, 12, 31)),
        ("2008-02", datetime.date(2008, 2, 1), datetime.date(2008, 2, 29)),
        ("2009-02", datetime.date(2009, 2, 1), datetime.date(2009, 2, 28)),
        ("2008-08-26", datetime.date(2008, 8, 26), datetime.date(2008, 8, 26)),
    ],
)
def test_date_bounds(value: str, first: datetime.date, last: datetime.date) -> None:
    assert date_bounds(value) == (first, last)


def test_date_bounds_rejects_garbage() -> None:
    with pytest.raises(DateError):
        date_bounds("2008-02-30")


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

DATES = st.dates(min_value=datetime.date(1600, 1, 1), max_value=datetime.date(2100, 12, 31))
# Surrounding text without digits, capitals or the letters of unit words ("day", "week",
# "month", "night"...), so that it holds no date expression of its own.
FILLER = st.text(alphabet=st.sampled_from("abcefilmnopqrstuvwxz ,;:!?()'\""), max_size=30)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def abbr(month: int, dot: bool) -> str:
    name = MONTHS[month - 1]
    if len(name) <= 4:  # May, June, July have no shorter form in common use
        return name
    short = "Sept" if month == 9 and dot else name[:3]
    return short + ("." if dot else "")


DAY_STYLES = {
    "dmy": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "dmy_abbr": lambda d: f"{d.day} {abbr(d.month, False)} {d.year}",
    "dmy_abbr_dot": lambda d: f"{d.day} {abbr(d.month, True)} {d.year}",
    "dmy_ordinal": lambda d: f"{ordinal(d.day)} {MONTHS[d.month - 1]} {d.year}",
    "dmy_comma": lambda d: f"{d.day} {MONTHS[d.month - 1]}, {d.year}",
    "dmy_nbsp": lambda d: f"{d.day}\u00a0{MONTHS[d.month - 1]} {d.year}",
    "mdy": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "mdy_no_comma": lambda d: f"{MONTHS[d.month - 1]} {d.day} {d.year}",
    "mdy_abbr_dot": lambda d: f"{abbr(d.month, True)} {d.day}, {d.year}",
    "mdy_ordinal": lambda d: f"{MONTHS[d.month - 1]} {ordinal(d.day)}, {d.year}",
    "iso": lambda d: d.isoformat(),
    "dotted": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "the_of": lambda d: f"the {ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",
}
MONTH_STYLES = {
    "my": lambda d: f"{MONTHS[d.month - 1]} {d.year}",
    "my_abbr": lambda d: f"{abbr(d.month, False)} {d.year}",
    "my_abbr_dot": lambda d: f"{abbr(d.month, True)} {d.year}",
    "my_of": lambda d: f"{MONTHS[d.month - 1]} of {d.year}",
    "my_mid": lambda d: f"mid-{MONTHS[d.month - 1]} {d.year}",
    "my_late": lambda d: f"late {MONTHS[d.month - 1]} {d.year}",
}
YEAR_STYLES = {
    "y_in": lambda d: f"in {d.year}",
    "y_paren": lambda d: f"({d.year})",
    "y_early": lambda d: f"early {d.year}",
    "y_season": lambda d: f"the spring of {d.year}",
}


def embed(prefix: str, rendered: str, suffix: str) -> str:
    return f"{prefix} {rendered} {suffix}"


@settings(max_examples=400)
@given(DATES, st.sampled_from(sorted(DAY_STYLES)), FILLER, FILLER)
@example(datetime.date(2008, 8, 26), "dmy", "", "")
@example(datetime.date(2000, 2, 29), "mdy_ordinal", "the", "war")
def test_day_styles_are_found_exactly(date: datetime.date, style: str, prefix: str, suffix: str) -> None:
    rendered = DAY_STYLES[style](date)
    text = embed(prefix, rendered, suffix)
    mention = only(text)
    assert mention.value == date.isoformat()
    assert rendered in mention.text
    assert (mention.year, mention.month, mention.day) == (date.year, date.month, date.day)


@settings(max_examples=300)
@given(DATES, st.sampled_from(sorted(MONTH_STYLES)), FILLER, FILLER)
def test_month_styles_are_never_more_precise(
    date: datetime.date, style: str, prefix: str, suffix: str
) -> None:
    mention = only(embed(prefix, MONTH_STYLES[style](date), suffix))
    assert mention.value == f"{date.year:04d}-{date.month:02d}"
    assert mention.day is None


@settings(max_examples=200)
@given(DATES, st.sampled_from(sorted(YEAR_STYLES)), FILLER, FILLER)
def test_year_styles_are_never_more_precise(
    date: datetime.date, style: str, prefix: str, suffix: str
) -> None:
    mention = only(embed(prefix, YEAR_STYLES[style](date), suffix))
    assert mention.value == f"{date.year:04d}"
    assert (mention.month, mention.day) == (None, None)


@settings(max_examples=200)
@given(DATES, st.booleans(), FILLER, FILLER)
def test_rendered_day_and_month_without_year(
    date: datetime.date, month_first: bool, prefix: str, suffix: str
) -> None:
    month = MONTHS[date.month - 1]
    rendered = f"{month} {date.day}" if month_first else f"{date.day} {month}"
    mention = only(embed(prefix, rendered, suffix))
    assert (mention.year, mention.month, mention.day, mention.value) == (None, date.month, date.day, None)


@settings(max_examples=200)
@given(DATES, st.integers(min_value=1, max_value=27), st.sampled_from(["–", "-", " to ", " – "]))
def test_day_ranges_give_their_start(date: datetime.date, length: int, sep: str) -> None:
    first = date.replace(day=1) if date.day + length > 28 else date
    last = first.day + length
    text = f"The talks ran {first.day}{sep}{last} {MONTHS[first.month - 1]} {first.year} in the capital."
    mention = only(text)
    assert (mention.value, mention.is_range_start) == (first.isoformat(), True)


@settings(max_examples=300)
@given(DATES, st.sampled_from(["day", "month", "year"]))
def test_parse_date_round_trips_values(date: datetime.date, precision: str) -> None:
    value = {"day": date.isoformat(), "month": date.isoformat()[:7], "year": date.isoformat()[:4]}[precision]
    assert parse_date(value) == value
    first, last = date_bounds(value)
    assert first <= date <= last
    assert first.isoformat().startswith(value) and last.isoformat().startswith(value)
    if precision == "day":
        assert first == last == date
    else:
        assert (first - datetime.timedelta(days=1)).isoformat()[: len(value)] != value
        assert (last + datetime.timedelta(days=1)).isoformat()[: len(value)] != value


@settings(max_examples=200)
@given(DATES, st.sampled_from(sorted(DAY_STYLES)))
def test_parse_date_reads_every_day_style(date: datetime.date, style: str) -> None:
    rendered = DAY_STYLES[style](date)
    if style == "the_of":
        rendered = rendered.removeprefix("the ")
    assert parse_date(rendered) == date.isoformat()


@settings(max_examples=300)
@given(
    st.dates(min_value=datetime.date(1601, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.integers(min_value=-365, max_value=365),
)
def test_relative_days_resolve_with_calendar_arithmetic(date: datetime.date, offset: int) -> None:
    direction = "later" if offset >= 0 else "earlier"
    phrase = f"{abs(offset)} days {direction}"
    sentences = [
        f"The accord was signed on {date.day} {MONTHS[date.month - 1]} {date.year}.",
        f"{phrase}, it failed.",
    ]
    assert resolve_all(sentences) == [date.isoformat(), (date + datetime.timedelta(days=offset)).isoformat()]


@settings(max_examples=500)
@given(st.text())
@example("On 5 May 2012 and 2008–09 and between 1 and 3 May and the spring of 2014 and two days later")
@example("1,2008 $2008 ‐2008 –09 2100s 1599–1600 2100-2101 31 February 29 Feb. 1900")
def test_find_dates_never_raises(text: str) -> None:
    mentions = find_dates(text)
    last_end = 0
    for mention in mentions:
        assert last_end <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        last_end = mention.end
        if mention.value is not None:
            assert VALUE_RE.fullmatch(mention.value)
            first, last = date_bounds(mention.value)
            assert first <= last
        ctx = DateContext()
        ctx.resolve(mention, mentions)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("0123456789 -–.,/ADFJMNOSaceghlnoprstuvy"), max_size=40))
def test_find_dates_never_raises_on_date_like_noise(text: str) -> None:
    for mention in find_dates(text):
        assert text[mention.start : mention.end] == mention.text
        if mention.value is not None:
            assert parse_date(mention.value) == mention.value
