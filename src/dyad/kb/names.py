"""Normal forms used for matching: names and aliases, family names, treaty titles."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["norm_name", "person_key", "title_key", "title_similarity"]

_NON_WORD = re.compile(r"[^\w'-]+")
_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "jr", "sr", "ii", "iii", "iv", "prof", "h.e", "he"}
_TITLE_STOP = {
    "the",
    "a",
    "an",
    "of",
    "on",
    "and",
    "between",
    "in",
    "for",
    "to",
    "with",
    "by",
    "its",
    "their",
    "de",
    "la",
    "le",
    "el",
    "et",
    "y",
    "republic",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def norm_name(text: str) -> str:
    """Folded form of a name or alias: no accents, no case, single spaces, no leading "the"."""
    folded = " ".join(_NON_WORD.sub(" ", _fold(text).replace("’", "'")).replace("_", " ").split())
    folded = folded.strip("'-")
    return folded[4:] if folded.startswith("the ") else folded


def person_key(name: str | None) -> str:
    """The family name, folded: "Igor Akhba" and "Akhba" give "akhba"."""
    if not name:
        return ""
    words = [w.strip("'-.") for w in norm_name(name).split()]
    words = [w for w in words if w and w not in _HONORIFICS]
    return words[-1] if words else ""


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _title_words(title: str, drop: Iterable[str] = ()) -> list[str]:
    return list(_title_words_cached(title, tuple(drop)))


@lru_cache(maxsize=65536)
def _title_words_cached(title: str, drop: tuple[str, ...]) -> tuple[str, ...]:
    dropped: set[str] = set()
    for name in drop:
        dropped.update(_stem(w) for w in norm_name(name).replace("-", " ").split())
    words = norm_name(title).replace("-", " ").replace("'", " ").split()
    out = []
    for w in words:
        s = _stem(w)
        if s in _TITLE_STOP or s in dropped or w in _TITLE_STOP:
            continue
        out.append(s)
    return tuple(out)


def title_key(title: str | None, drop: Iterable[str] = ()) -> str:
    """Normalised treaty title: content words, singular, sorted, the parties' names left out.

    "Treaty of Friendship and Cooperation" and "treaty on cooperation and friendship" have the
    same key.
    """
    if not title:
        return ""
    return " ".join(sorted(set(_title_words(title, drop))))


# Words that name the kind of instrument, not what it is about: "Agreement on Trade" and
# "Agreement on Visa Exemption" share only "agreement", and are different treaties.
_GENERIC = {
    "agreement", "treaty", "convention", "protocol", "memorandum", "accord", "pact", "understanding",
    "charter", "declaration", "exchange", "note", "arrangement",
}  # fmt: skip


def title_similarity(a: str, b: str, drop: Iterable[str] = ()) -> float:
    """How well two treaty titles fit, from 0 to 1, on their specific words.

    1.0 when one title's specific words contain the other's, else their overlap coefficient.
    Generic words ("agreement", "treaty") count only when a title has no other words ("the
    treaty"): such a title fits any title of its kind at 0.5.
    """
    drop = tuple(drop)
    wa, wb = set(_title_words_cached(a, drop)), set(_title_words_cached(b, drop))
    if not wa or not wb:
        return 0.0
    sa, sb = wa - _GENERIC, wb - _GENERIC
    if not sa or not sb:
        return 1.0 if wa == wb else 0.5
    if sa <= sb or sb <= sa:
        return 1.0
    return len(sa & sb) / min(len(sa), len(sb))
