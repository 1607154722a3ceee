"""English dates as encyclopedia prose and tables write them: find, resolve, parse.

Why a hand-written grammar and not ``dateparser``/``dateutil``: general parsers fill in what
the text leaves out (a missing day becomes the 1st, a missing year becomes the current one),
and dyad's contract is that an event's date is never more precise than its text. Here every
mention records exactly the fields the text states (``year``/``month``/``day``, each possibly
``None``), and only :class:`DateContext` fills gaps, from earlier dates of the same document.

How the grammar runs: a fast scan finds where a number or a month name starts a word, and
there anchored alternations (:data:`_DIGIT_RE`, :data:`_MONTH_RE`) are tried; at one
position the first form that matches wins, so longer forms (ranges, ISO) come before the
shorter ones they contain. Relative expressions are found from their unit word ("days",
"year"). Words that only qualify a date ("from", "between", "the", "early", "the spring of",
"in" before a bare month) and the checks a regular expression cannot express well (is a bare
``1701`` a year or a resolution number? is "the 2008 war" a modifier?) are read in Python,
backwards from each match.

Dates are restricted to the years 1600-2100: outside that range a four-digit number in
diplomatic prose is far more often a count or an identifier than a year.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dyad.errors import DateError

__all__ = ["MAX_YEAR", "MIN_YEAR", "DateContext", "DateMention", "date_bounds", "find_dates", "parse_date"]

MIN_YEAR = 1600
MAX_YEAR = 2100

# Days per month when the year is unknown: 29 February must stay possible.
_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression found in a text, with only the fields the text itself states.

    ``start``/``end``/``text`` locate the expression in the searched string. ``year``,
    ``month`` and ``day`` are ``None`` when the text does not give them ("on 27 December" has
    no year); :class:`DateContext` fills them from the document. A relative expression ("two
    days later") has all three ``None`` and ``relative`` set to ``(unit, offset)`` with unit
    ``"day"``, ``"week"``, ``"month"`` or ``"year"``.

    ``is_range_start``: the mention spans a whole range ("18 to 20 April 2015") and holds its
    first date, completed with the end's month and year. ``attributive``: the date modifies a
    noun ("the 2008 war", "the August 2008 Russo-Georgian War") or closes a name ("the Final
    Act of 1975"); it names a thing rather than dating the sentence, so the context ignores it.
    ``decade``: "the 1990s" (``year`` is the decade's first year, ``value`` is ``None``).
    ``qualifier``: a vagueness word the precision already accounts for ("early", "mid",
    "late", "spring", ...).
    """

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    relative: tuple[str, int] | None = None
    is_range_start: bool = False
    attributive: bool = False
    decade: bool = False
    qualifier: str | None = None

    @property
    def value(self) -> str | None:
        """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as precise as the text; ``None`` if incomplete."""
        if self.decade or self.relative is not None or self.year is None:
            return None
        return _format(self.year, self.month, self.day)

    @property
    def precision(self) -> str | None:
        """``"day"``, ``"month"``, ``"year"`` or ``None`` (relative or decade): what the text states."""
        if self.decade or self.relative is not None:
            return None
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year" if self.year is not None else None


def _format(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    """Whether the stated fields can be one real date (31 April and 29 February 2009 cannot)."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return False
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if month == 2 and year is not None and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= day <= _MAX_DAYS[month - 1]


# --------------------------------------------------------------------------------------------
# The grammar
# --------------------------------------------------------------------------------------------

_MONTH_NAMES = (
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
)
_MONTH_NUMBER = {name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)}

# Month names are matched case-sensitively: "may" and "march" in lower case are verbs, and
# Wikipedia always capitalises months. Grouped by first letter (which ``re`` checks fast) and
# full names before their abbreviations, so that "June" is not read as "Jun" + "e".
_MON = (
    r"(?:J(?:anuary|une|uly|an\.?|un\.?|ul\.?)|F(?:ebruary|eb\.?)|M(?:arch|ay|ar\.?)|A(?:pril|ugust|pr\.?|ug\.?)"
    r"|S(?:eptember|ept\.?|ep\.?)|O(?:ctober|ct\.?)|N(?:ovember|ov\.?)|D(?:ecember|ec\.?))(?![A-Za-z])"
)
# A day of the month, optionally ordinal ("26th"), not part of a longer number or word.
_D = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)(?:st|nd|rd|th)?(?![A-Za-z\d])"
_Y4 = r"(?:1[6-9]\d\d|20\d\d|2100)(?!\d)"
# A year that ends the expression: not followed by a word character or a decimal part.
_YEND = r"(?![\w])(?![.,]\d)"
_Y = _Y4 + _YEND
# Range connectors: dashes (any Unicode dash) or a word.
_SEP = r"(?:\s*[-‐‑–—−]\s*|\s+(?:to|until|till|through|thru)\s+)"
_AND = r"\s+(?:and|&)\s+"
# The end of a year range written after a year: "2008–09", "2013/2014".
_YTAIL = rf"[-‐–—/](?:{_Y4}|\d\d(?!\d))"

# Forms that start with a digit. At one position the first alternative that matches wins, so
# longer forms come first; forms sharing a start are factored (``re`` would otherwise match
# the same day and month again for every form). The empty group ending each alternative
# names it (``Match.lastgroup``).
_DIGIT_RE = re.compile(
    rf"(?P<iso_y>{_Y4})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>0[1-9]|[12]\d|3[01])(?!\d)(?P<iso>)"
    rf"|(?P<dot_d>0?[1-9]|[12]\d|3[01])\.(?P<dot_m>0?[1-9]|1[0-2])\.(?P<dot_y>{_Y4})(?!\.?\d)(?P<dot>)"
    # 2008–2009, 2008–09, 2008 to 2012 (and "2008-05", read as an ISO month)
    rf"|(?P<yr_y1>{_Y4})(?:(?:\s*[-‐–—/]\s*|\s+(?:to|until|till|through)\s+)(?P<yr_y2>{_Y4})"
    rf"|[-‐–—/](?P<yr_yy>\d\d)(?!\d)){_YEND}(?P<yr>)"
    rf"|(?P<d1>{_D})(?:"
    # 18 to 20 April 2015, 18–20 April 2015, (between) 1 and 3 May 2012
    rf"(?P<dd_c>{_SEP}|{_AND})(?P<dd_d2>{_D})\s+(?P<dd_m2>{_MON})(?:,?\s+(?P<dd_y2>{_Y}))?(?P<dd>)"
    # (the) 26th of August 2008
    rf"|\s+of\s+(?P<to_m>{_MON})(?:\s+(?P=to_m))?(?:,?\s+(?P<to_y>{_Y}))?(?P<to>)"
    # 26 August 2008, 26 August, 10 December December 2010; 18 April to 2 May 2015
    rf"|\s+(?P<dmy_m>{_MON})(?:\s+(?P=dmy_m))?(?:,?\s+(?P<dmy_y>{_Y}))?"
    rf"(?:{_SEP}(?P<dmy_d2>{_D})\s+(?P<dmy_m2>{_MON})(?:,?\s+(?P<dmy_y2>{_Y}))?)?(?P<dmy>))"
    # the 1990s
    r"|(?P<dc_y>(?:1[6-9]|20)\d0)['’]?s(?![\w])(?P<dc>)"
    rf"|(?P<y_y>{_Y})(?P<y>)"
)

# Forms that start with a month name.
_MONTH_RE = re.compile(
    rf"(?P<m1>{_MON})(?:\s+(?P<d1>{_D})(?:"
    # April 18–20, 2015; (between) April 18 and 20, 2015
    rf"(?P<mdd_c>{_SEP}|{_AND})(?P<mdd_d2>{_D})(?:,?\s+(?P<mdd_y2>{_Y}))?(?P<mdd>)"
    # August 26, 2008; August 26; April 18 to May 2, 2015
    rf"|(?:,?\s+(?P<mdy_y>{_Y}))?(?:{_SEP}(?P<mdy_m2>{_MON})\s+(?P<mdy_d2>{_D})(?:,?\s+(?P<mdy_y2>{_Y}))?)?(?P<mdy>))"
    # August 2008, August of 2008, August 2008–09; December 2014 to January 2015
    rf"|,?\s+(?:of\s+)?(?P<my_y>{_Y4})(?P<my_tail>{_YTAIL})?{_YEND}"
    rf"(?:{_SEP}(?P<my_m2>{_MON}),?\s+(?P<my_y2>{_Y}))?(?P<my>)"
    # April–May 2015
    rf"|{_SEP}(?P<mm_m2>{_MON}),?\s+(?P<mm_y2>{_Y})(?P<mm>)"
    # a month alone, never before a number (that would be a day or a year); it only counts
    # after a preposition ("in August", "by mid-May"), checked in Python
    r"|(?![\w])(?!,?\s+(?:of\s+)?\d)(?P<ma>))"
)

# Why a token scan: Python's ``re`` tries every alternative of a pattern at every position of
# the text, which cost ~1 µs per character with the forms above. This scan starts with a plain
# character class, which ``re`` skips through in C, and stops only where a number or a month
# name starts a word: not inside a word or a number ("G20", "1,2008", "3.2008"), nor after a
# sign ("$2008"). The anchored forms run only there.
_TOKEN_RE = re.compile(
    r"[0-9JFMASOND](?<![\w$€£¥#№].)(?<!\d[.,].)"
    r"(?:(?<=\d)|(?:(?<=J)(?:anuary|une|uly|an|un|ul)|(?<=F)(?:ebruary|eb)|(?<=M)(?:arch|ay|ar)"
    r"|(?<=A)(?:pril|ugust|pr|ug)|(?<=S)(?:eptember|ept|ep)|(?<=O)(?:ctober|ct)|(?<=N)(?:ovember|ov)"
    r"|(?<=D)(?:ecember|ec))(?![a-z]))"
)
# Relative expressions are found from their unit word; the words before it are read after.
_UNIT_RE = re.compile(
    r"(?P<u>day|week|month|year|morning|afternoon|evening|night)(?P<pl>s)?(?P<half>\s+and\s+a\s+half)?"
    r"(?:\s+(?P<dir>later|earlier|afterwards?|(?:after|before|prior)(?=\s*(?:[,.;:)!?]|\Z))))?(?![\w])"
)


def _words_in_order(words: str) -> list[str]:
    """Words written as one string: long word lists read better that way."""
    return words.split()


def _words(words: str) -> frozenset[str]:
    return frozenset(_words_in_order(words))


_QUALIFIERS = frozenset({"early", "mid", "late"})
_SEASONS = frozenset({"spring", "summer", "autumn", "fall", "winter"})
_PREPOSITIONS = frozenset(
    {"in", "during", "since", "until", "till", "by", "from", "before", "after", "through"}
)
# Words before a bare four-digit number that make it an identifier, not a year.
_IDENTIFIER_WORDS = _words(
    "resolution resolutions no no. nos nos. nr nr. number numbers article articles art art. page pages p."
    " pp. flight flights route routes highway highways iso section sections decree decrees code codes"
    " model models"
)
# ... unless a temporal preposition stands before it: "in 2000 troops were sent" is a year.
_TEMPORAL_WORDS = frozenset({"in", "since", "by", "until", "till", "during", "after", "before", "from"})
# Words after a bare four-digit number that make it a count or a measure.
_NOT_YEAR_AFTER = re.compile(
    r"\s*(?:%|per\s?cent\b|[-\s]\s*(?:years?|yrs?|months?|weeks?|days?|hours?|people|persons|soldiers|troops"
    r"|men|women|children|km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|m|ha|hectares|tonnes|tons|kg|dollars"
    r"|euros|roubles|rubles|votes|voters|members|seats|delegates|refugees|casualties|deaths|dead|personnel"
    r"|residents|inhabitants|square|sq|copies|units|vehicles|tanks|aircraft|ships|students|workers|officers"
    r"|policemen|police|households|families|cases|signatures|pages|staff|employees|troopers)\b)",
    re.IGNORECASE,
)
_DETERMINERS = frozenset(
    {"the", "a", "an", "its", "his", "her", "their", "our", "whose", "this", "these", "those"}
)
# A content word after a mention that follows a determiner: "the 2008 war", not "the 2008 and".
_NOUN_AFTER = re.compile(
    r"\s+(?!(?:and|or|nor|but|to|of|in|on|at|by|for|from|with|as|than|when|while|until|till|through|after"
    r"|before|was|were|is|are|had|has|have|saw|marked|be|been|being|will|would|could|should|did|does|do"
    r"|which|that|who|whom|where|it|he|she|they|we|also|then|there|onwards?)\b)[A-Za-z]",
    re.IGNORECASE,
)
# Capitalised words before "of YEAR" that do not make a name ("As of 2010", "End of 2008").
_NOT_NAMES = _words(
    "As End Beginning Start Middle Most Part Half All Some Much Rest Course Spring Summer Autumn Fall Winter"
)

_NUMBER_WORDS = dict(
    zip(
        _words_in_order(
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
            " seventeen eighteen nineteen"
        ),
        range(1, 20),
        strict=True,
    )
)
_NUMBER_WORDS.update({"a": 1, "an": 1, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60})
_DIRECTION = {
    "later": 1,
    "after": 1,
    "afterward": 1,
    "afterwards": 1,
    "earlier": -1,
    "before": -1,
    "prior": -1,
    "following": 1,
    "next": 1,
    "subsequent": 1,
    "previous": -1,
    "preceding": -1,
    "same": 0,
}
_DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night"})
_THE_WORDS = frozenset({"following", "next", "subsequent", "previous", "preceding", "prior", "same"})
_DASHES = "-‐‑–"


def _day(s: str | None) -> int | None:
    return int(s.rstrip("stndrh")) if s is not None else None


def _month(s: str | None) -> int | None:
    return _MONTH_NUMBER[s[:3]] if s is not None else None


def _int(s: str | None) -> int | None:
    return int(s) if s is not None else None


def _prev_word(text: str, pos: int) -> tuple[str, int]:
    """The word before ``pos`` (over whitespace or one dash, as in "mid-2009") and its start.

    Returns ``("", pos)`` when punctuation or nothing comes first. Reading words backwards in
    Python is much cheaper than searching a slice with a regular expression anchored at its end.
    """
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i == pos and i > 0 and text[i - 1] in _DASHES:
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "'’."):
        j -= 1
    return text[j:i], j


def _two_digit_end(start: int, yy: str) -> int | None:
    """End year of "2008–09"; ``None`` when it is not a plausible range end ("2008-05")."""
    end = start // 100 * 100 + int(yy)
    if end > start:
        return end
    end += 100
    return end if end - start <= 10 else None


def _tail_is_range(start: int, tail: str | None) -> bool:
    """Whether ``tail`` ("–09", "/2014") ends a year range that begins with ``start``."""
    if not tail:
        return False
    end = int(tail[1:]) if len(tail) == 5 else _two_digit_end(start, tail[1:])
    return end is not None and end > start


_Fields = tuple[int | None, int | None, int | None]


def _range_start(left: _Fields, right: _Fields) -> _Fields:
    """The first date of a range, with the end's month and year where the start omits them."""
    (y1, m1, d1), (y2, m2, _) = left, right
    month = m1 if m1 is not None else m2
    year = y1
    if year is None and y2 is not None:
        # "28 December – 2 January 2015": the start is in the year before the end.
        year = y2 - 1 if m1 is not None and m2 is not None and m1 > m2 else y2
    return year, month, d1


class _Found:
    """A mention under construction: fields, span and flags, before the final checks."""

    __slots__ = ("decade", "end", "fields", "qualifier", "range", "relative", "start", "year_like")

    def __init__(self, start: int, end: int, fields: _Fields, *, range_: bool = False) -> None:
        self.start = start
        self.end = end
        self.fields = fields
        self.range = range_
        self.decade = False
        self.qualifier: str | None = None
        self.relative: tuple[str, int] | None = None
        self.year_like = False  # a bare number that may still be a count ("2000 troops")


def _take_word(text: str, f: _Found, words: frozenset[str]) -> str | None:
    """If the word before ``f`` is one of ``words`` (any case), move ``f``'s start over it."""
    word, start = _prev_word(text, f.start)
    word = word.lower()
    if word in words:
        f.start = start
        return word
    return None


_FROM = frozenset({"from"})
_BETWEEN = frozenset({"between"})
_THE = frozenset({"the"})
_OF = frozenset({"of"})


def _take_qualifier(text: str, f: _Found, season: bool) -> None:
    """Take "early"/"mid"/"late" (and for years "the spring of") into the span and the qualifier."""
    start = f.start
    if season:
        _take_word(text, f, _OF)
        found = _take_word(text, f, _SEASONS)
        if found:
            f.qualifier = found
            _take_word(text, f, _QUALIFIERS)
            _take_word(text, f, _THE)
            f.year_like = False
            return
        f.start = start
    found = _take_word(text, f, _QUALIFIERS)
    if found:
        f.qualifier = found
        f.year_like = False


def _range(text: str, start: int, end: int, left: _Fields, right: _Fields) -> list[_Found]:
    if not _valid(*right):
        return []
    f = _Found(start, end, _range_start(left, right), range_=True)
    _take_word(text, f, _FROM)
    return [f]


def _and_pair(text: str, m: re.Match[str], second: str, left: _Fields, right: _Fields) -> list[_Found]:
    """ "between 1 and 3 May" is a range; "5 and 7 May" two dates of the same month and year."""
    f = _Found(m.start(), m.end(), _range_start(left, right), range_=True)
    if _take_word(text, f, _BETWEEN):
        return [f]
    return [
        _Found(m.start(), m.end("d1"), (right[0], left[1], left[2])),
        _Found(m.start(second), m.end(), right),
    ]


def _digit_form(text: str, m: re.Match[str]) -> list[_Found]:
    kind, g = m.lastgroup, m.group
    start, end = m.span()
    if kind == "iso" or kind == "dot":
        return [_Found(start, end, (int(g(kind + "_y")), int(g(kind + "_m")), int(g(kind + "_d"))))]
    if kind == "dmy":
        left = (_int(g("dmy_y")), _month(g("dmy_m")), _day(g("d1")))
        if g("dmy_d2") is None:
            return [_Found(start, end, left)]
        return _range(text, start, end, left, (_int(g("dmy_y2")), _month(g("dmy_m2")), _day(g("dmy_d2"))))
    if kind == "dd":
        year, month = _int(g("dd_y2")), _month(g("dd_m2"))
        left, right = (None, month, _day(g("d1"))), (year, month, _day(g("dd_d2")))
        if g("dd_c").strip() in ("and", "&"):
            return _and_pair(text, m, "dd_d2", left, right)
        return _range(text, start, end, left, right)
    if kind == "to":
        f = _Found(start, end, (_int(g("to_y")), _month(g("to_m")), _day(g("d1"))))
        _take_word(text, f, _THE)
        return [f]
    if kind == "yr":
        return _year_range(text, m)
    if kind == "dc":
        f = _Found(start, end, (int(g("dc_y")), None, None))
        f.decade = True
        _take_qualifier(text, f, season=False)
        return [f]
    f = _Found(start, end, (int(g("y_y")), None, None))
    f.year_like = True
    _take_qualifier(text, f, season=True)
    return [f]


def _year_range(text: str, m: re.Match[str]) -> list[_Found]:
    start, end = m.span()
    y1 = int(m.group("yr_y1"))
    if m.group("yr_y2") is not None:
        f = _Found(start, end, (y1, None, None), range_=int(m.group("yr_y2")) > y1)
    else:
        yy = m.group("yr_yy")
        if _two_digit_end(y1, yy) is not None:
            f = _Found(start, end, (y1, None, None), range_=True)
        elif text[start + 4] == "-" and 1 <= int(yy) <= 12:  # "2008-05": an ISO month, not a range
            return [_Found(start, end, (y1, int(yy), None))]
        else:
            f = _Found(start, start + 4, (y1, None, None))
    f.year_like = True
    _take_qualifier(text, f, season=True)
    if f.range and f.year_like:
        _take_word(text, f, _FROM)
    return [f]


def _month_form(text: str, m: re.Match[str]) -> list[_Found]:
    kind, g = m.lastgroup, m.group
    start, end = m.span()
    month = _month(g("m1"))
    if kind == "mdy":
        left = (_int(g("mdy_y")), month, _day(g("d1")))
        if g("mdy_d2") is None:
            return [_Found(start, end, left)]
        return _range(text, start, end, left, (_int(g("mdy_y2")), _month(g("mdy_m2")), _day(g("mdy_d2"))))
    if kind == "mdd":
        left, right = (None, month, _day(g("d1"))), (_int(g("mdd_y2")), month, _day(g("mdd_d2")))
        if g("mdd_c").strip() in ("and", "&"):
            return _and_pair(text, m, "mdd_d2", left, right)
        return _range(text, start, end, left, right)
    if kind == "my":
        year = int(g("my_y"))
        if g("my_m2") is not None:
            found = _range(
                text, start, end, (year, month, None), (_int(g("my_y2")), _month(g("my_m2")), None)
            )
        else:
            found = [_Found(start, end, (year, month, None), range_=_tail_is_range(year, g("my_tail")))]
        for f in found:
            _take_qualifier(text, f, season=False)
        return found
    if kind == "mm":
        return _range(text, start, end, (None, month, None), (_int(g("mm_y2")), _month(g("mm_m2")), None))
    # a month alone: only a full name after a preposition ("May I", "March on" are no dates)
    if g("m1") not in _MONTH_NAMES:
        return []
    f = _Found(start, end, (None, month, None))
    qualifier = _take_word(text, f, _QUALIFIERS)
    word, _ = _prev_word(text, f.start)
    if word.lower() not in _PREPOSITIONS:
        return []
    f.qualifier = qualifier
    return [f]


def _absolutes(text: str) -> list[_Found]:
    """Absolute dates: run the anchored forms where a number or a month name starts a word."""
    out: list[_Found] = []
    consumed = 0
    for token in _TOKEN_RE.finditer(text):
        pos = token.start()
        if pos < consumed:
            continue
        if text[pos].isdigit():
            m = _DIGIT_RE.match(text, pos)
            found = _digit_form(text, m) if m else []
        else:
            m = _MONTH_RE.match(text, pos)
            found = _month_form(text, m) if m else []
        found = [f for f in found if _valid(*f.fields)]
        if found:
            out.extend(found)
            consumed = found[-1].end
    return out


def _relatives(text: str) -> list[_Found]:
    """Relative expressions, found from their unit word ("days", "year") and read backwards."""
    out: list[_Found] = []
    for m in _UNIT_RE.finditer(text):
        start = m.start()
        if start and text[start - 1].isalpha():
            continue  # "Monday", "today", "birthday"
        unit, plural, direction = m.group("u"), m.group("pl"), m.group("dir")
        w1, s1 = _prev_word(text, start)
        w1 = w1.lower()
        if direction:
            direction = direction.lower()
            count = _count_before(text, start, m.group("half") is not None)
            if count is not None and unit not in _DAY_PARTS:  # "two days later", not "1,000 days later"
                n, first = count
                if n != int(n):  # "two and a half years later" is 30 months; half a day is no date
                    if unit != "year":
                        continue
                    unit, n = "month", n * 12
                out.append(_relative(first, m.end(), unit, int(n) * _DIRECTION[direction]))
                continue
            if (
                not plural
                and w1 == "the"
                and direction in ("before", "after")
                and unit in ("day", "month", "year")
                and not m.group("half")
            ):
                out.append(_relative(s1, m.end(), unit, _DIRECTION[direction]))  # "the day before"
                continue
        if m.group("half"):
            continue
        if plural:
            continue
        end = m.end("u")
        unit = "day" if unit in _DAY_PARTS else unit
        w2, s2 = _prev_word(text, s1)
        w2 = w2.lower()
        if w1 == "that" or (w1 == "same" and w2 in ("the", "that")):  # "that day", "the same year"
            first = s1 if w1 == "that" else s2
            w3, s3 = _prev_word(text, first)
            if w3.lower() in ("later", "earlier"):  # "later that day"
                first = s3
            out.append(_relative(first, end, unit, 0))
        elif w2 == "the" and w1 in _THE_WORDS and unit != "week":  # "the following week" is no definite day
            out.append(_relative(s2, end, unit, _DIRECTION[w1]))  # "the following day"
    return out


def _count_before(text: str, pos: int, and_a_half: bool) -> tuple[float, int] | None:
    """The number of units written before ``pos`` and where it starts, read backwards.

    "two days", "2 days", "a day", "two and a half years", "half a year"; with ``and_a_half``
    the text after the unit added a half ("a year and a half"). ``None`` when no count is
    written there ("several days", "1,000 days").
    """
    w1, s1 = _prev_word(text, pos)
    w1 = w1.lower()
    half = 0.5 if and_a_half else 0.0
    if w1 == "half":  # "two and a half years"
        w2, s2 = _prev_word(text, s1)
        w3, s3 = _prev_word(text, s2)
        if w2.lower() != "a" or w3.lower() != "and" or and_a_half:
            return None
        w1, s1 = _prev_word(text, s3)
        w1, half = w1.lower(), 0.5
    elif w1 in ("a", "an"):
        w0, s0 = _prev_word(text, s1)
        if w0.lower() == "half" and not and_a_half:  # "half a year later"
            return 0.5, s0
    if w1 in _NUMBER_WORDS:
        return _NUMBER_WORDS[w1] + half, s1
    if w1.isdigit() and len(w1) <= 3 and not (s1 and text[s1 - 1] in ",."):
        return int(w1) + half, s1
    return None


def _relative(start: int, end: int, unit: str, offset: int) -> _Found:
    f = _Found(start, end, (None, None, None))
    f.relative = (unit, offset)
    return f


def _merge_between(text: str, found: list[_Found]) -> list[_Found]:
    """ "between 1 May and 3 June 2012", "between 2008 and 2012": one range from two mentions."""
    out: list[_Found] = []
    i = 0
    while i < len(found):
        a = found[i]
        if i + 1 < len(found):
            b = found[i + 1]
            if (
                a.relative is None
                and b.relative is None
                and not (a.decade or b.decade or a.range or b.range)
                and text[a.end : b.start].strip() == "and"
                and _prev_word(text, a.start)[0].lower() == "between"
            ):
                merged = _Found(a.start, b.end, _range_start(a.fields, b.fields), range_=True)
                merged.year_like = a.year_like and b.year_like
                _take_word(text, merged, _BETWEEN)
                out.append(merged)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _is_count(text: str, start: int, end: int) -> bool:
    """Whether a bare four-digit number is an identifier or a count rather than a year."""
    prev = text[start - 1] if start else ""
    if prev and prev in "#№§":
        return True
    word = _prev_word(text, start)[0].lower()
    if word in _IDENTIFIER_WORDS:
        return True
    return prev != "(" and word not in _TEMPORAL_WORDS and _NOT_YEAR_AFTER.match(text, end) is not None


def _is_attributive(text: str, start: int, end: int, year_only: bool) -> bool:
    """Whether the mention modifies a noun ("the 2008 war") or ends a name ("the Act of 1975")."""
    word, word_start = _prev_word(text, start)
    lower = word.lower()
    if (lower in _DETERMINERS or lower.endswith(("'s", "’s", "s'", "s’"))) and _NOUN_AFTER.match(text, end):
        return True
    if year_only and lower == "of":
        name = _prev_word(text, word_start)[0]
        return name[:1].isupper() and name not in _NOT_NAMES
    return False


def find_dates(text: str) -> list[DateMention]:
    """Every date expression in ``text``, in order and non-overlapping, without context.

    Incomplete mentions keep their gaps (``year`` may be ``None``); a :class:`DateContext`
    fills them. Invalid calendar dates ("31 April 2010") are not mentions.
    """
    found = _absolutes(text)
    # Every unit word contains one of these ("ni": morning, evening, night); testing them is much
    # cheaper than running the unit pattern over a sentence that has none.
    if "day" in text or "year" in text or "month" in text or "week" in text or "ni" in text or "noon" in text:
        found = sorted(found + _relatives(text), key=lambda f: f.start)
    mentions: list[DateMention] = []
    last_end = 0
    for f in _merge_between(text, found):
        if f.start < last_end:
            continue  # overlaps a mention already taken ("May 5 days later")
        if f.year_like and _is_count(text, f.start, f.end):
            continue
        year, month, day = f.fields
        attributive = (
            f.relative is None and not f.decade and _is_attributive(text, f.start, f.end, month is None)
        )
        mentions.append(
            DateMention(
                f.start,
                f.end,
                text[f.start : f.end],
                year,
                month,
                day,
                relative=f.relative,
                is_range_start=f.range,
                attributive=attributive,
                decade=f.decade,
                qualifier=f.qualifier,
            )
        )
        last_end = f.end
    return mentions


# --------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------


class DateContext:
    """Carries the last known date through a document so incomplete and relative dates resolve.

    The anchor is the last date the narrative stood on, at the precision the text gave it
    ("In August 2015" anchors ``2015-08``). Feed it every mention of a document in reading
    order through :meth:`resolve` (which also updates the anchor) or :meth:`observe`.

    Boundaries: the context survives paragraphs (:meth:`reset_paragraph` does nothing), because
    Wikipedia writes a year once and then "On 20 August" for several paragraphs of the same
    story; it does not survive sections (:meth:`reset_section`), because a new section starts
    a new story, often years apart, and a wrong year is worse than none.
    """

    def __init__(self) -> None:
        self._anchor: tuple[int, int | None, int | None] | None = None

    @property
    def anchor(self) -> str | None:
        """The current anchor as a date value, ``None`` before any date."""
        return _format(*self._anchor) if self._anchor else None

    def resolve(
        self, mention: DateMention, following: Sequence[DateMention] = (), *, update: bool = True
    ) -> str | None:
        """The value of ``mention`` with what the text omits filled from the document.

        - complete mentions: their own value;
        - a missing year: from the next mention in ``following`` (later mentions of the same
          sentence) that states a month and a year, one year earlier if this month comes after
          that month ("on 27 December and on 15 February 2006" → 2005-12-27); that year is
          used only if it does not go back before the anchor's year (a later back-reference,
          "following its recognition on 26 August 2008", must not pull the date back), else
          the anchor's year;
        - relative mentions: the anchor shifted by the offset; day and week offsets need a
          day-precise anchor, month offsets a month-precise one and give month precision, year
          offsets give year precision. Otherwise ``None``: never more precise than the text.

        With ``update`` (the default) the result becomes the new anchor through :meth:`observe`,
        unless the mention is attributive ("the 1970 Declaration" names a thing, it does not
        move the story). Observing the same mention again afterwards changes nothing.
        """
        if mention.decade:
            return None
        if mention.relative is not None:
            value = self._shift(*mention.relative)
        elif mention.year is not None:
            value = mention.value
        elif mention.month is not None:
            year = self._year_for(mention.month, following)
            # 29 February in a year that has none is no date: better none than a wrong one
            if year is not None and _valid(year, mention.month, mention.day):
                value = _format(year, mention.month, mention.day)
            else:
                value = None
        else:
            value = None
        if update:
            self.observe(mention, value)
        return value

    def observe(self, mention: DateMention, value: str | None) -> None:
        """Make ``value`` (the resolved date of ``mention``) the anchor.

        ``None`` keeps the old anchor, and so do attributive mentions and decades: callers may
        observe every mention they resolved without "the 1970 Declaration" resetting the year.
        """
        if value is None or mention.decade or mention.attributive:
            return
        parts = value.split("-")
        self._anchor = (
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else None,
            int(parts[2]) if len(parts) > 2 else None,
        )

    def reset_paragraph(self) -> None:
        """A paragraph boundary: the context is kept (see the class docstring)."""

    def reset_section(self) -> None:
        """A section boundary: forget the anchor, so the next section starts without a year."""
        self._anchor = None

    def _year_for(self, month: int, following: Sequence[DateMention]) -> int | None:
        current = self._anchor[0] if self._anchor else None
        for f in following:
            if f.relative is None and not f.decade and not f.attributive and f.year is not None and f.month:
                candidate = f.year - 1 if month > f.month else f.year
                if current is None or candidate >= current:
                    return candidate
                break
        return current

    def _shift(self, unit: str, offset: int) -> str | None:
        if self._anchor is None:
            return None
        year, month, day = self._anchor
        if unit in ("day", "week"):
            if month is None or day is None:
                return None
            try:
                shifted = datetime.date(year, month, day) + datetime.timedelta(
                    days=offset * (7 if unit == "week" else 1)
                )
            except OverflowError:  # an anchor near year 1 or 9999, only from a caller's observe()
                return None
            return shifted.isoformat()
        if unit == "month":
            if month is None:
                return None
            total = year * 12 + month - 1 + offset
            return _format(total // 12, total % 12 + 1, None) if 1 <= total // 12 <= 9999 else None
        return _format(year + offset, None, None) if 1 <= year + offset <= 9999 else None


# --------------------------------------------------------------------------------------------
# User input
# --------------------------------------------------------------------------------------------

_ISO_INPUT = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse_date(text: str) -> str:
    """Normalise a date typed by a user (``--on 2008-08``, ``--on "26 August 2008"``).

    Accepts ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (any year 1-9999, so a filter may reach past
    the years prose dates are read in) and every absolute form :func:`find_dates` reads
    (1600-2100), when it is the whole input. Anything else raises :class:`DateError` with a
    one-line message naming the input.
    """
    stripped = text.strip()
    if not stripped:
        raise DateError(f"cannot read date {_quoted(text)}: it is empty")
    iso = _ISO_INPUT.fullmatch(stripped)
    if iso:
        year = int(iso.group(1))
        month = _int(iso.group(2))
        day = _int(iso.group(3))
        try:
            datetime.date(year, month or 1, day or 1)
        except ValueError:
            raise DateError(f"cannot read date {_quoted(text)}: no such day or month") from None
        return _format(year, month, day)
    mentions = find_dates(stripped)
    if len(mentions) != 1 or mentions[0].start != 0 or mentions[0].end != len(stripped):
        raise DateError(f"cannot read date {_quoted(text)}")
    mention = mentions[0]
    if mention.relative is not None or mention.decade:
        raise DateError(
            f"cannot read date {_quoted(text)}: give an absolute date, not a relative one or a decade"
        )
    if mention.is_range_start:
        raise DateError(f"cannot read date {_quoted(text)}: it is a range; give one date")
    if mention.value is None:
        raise DateError(f"cannot read date {_quoted(text)}: the year is missing")
    return mention.value


def date_bounds(value: str) -> tuple[datetime.date, datetime.date]:
    """First and last day a date value covers: ``"2008"`` → 1 January to 31 December 2008.

    Lets queries compare dates of different precision as intervals. ``value`` goes through
    :func:`parse_date`, so a malformed one raises :class:`DateError`.
    """
    norm = parse_date(value)
    year = int(norm[:4])
    if len(norm) == 4:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    month = int(norm[5:7])
    if len(norm) == 7:
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    day = datetime.date(year, month, int(norm[8:10]))
    return day, day
