"""Which pages of a dump are about relations between states: pure functions of title and text.

The rules (issue 8), all case-insensitive in their fixed words:

- ``"X–Y relations"`` with any dash between the two names (hyphen, en dash, em dash, minus, ...),
  optionally followed by a qualifier in parentheses: ``"Germany–Soviet Union relations (1918–1941)"``;
- ``"Foreign relations of X"`` (also ``"of the X"``);
- ``"List of diplomatic missions of X"`` and ``"List of diplomatic missions in X"``;
- ``"International recognition of X"``;
- any page whose text has an ``{{Infobox bilateral relations ...}}``.

A redirect whose own title follows the rules makes its target wanted too (``"X–Y relations"``
redirects resolved): :func:`redirect_target` gives the target to look for.

``select="all"`` takes every article (namespace 0, not a redirect): for the foreign-relations
sections of country articles.
"""

from __future__ import annotations

import re

__all__ = [
    "DASHES",
    "SELECT_MODES",
    "has_bilateral_infobox",
    "redirect_target",
    "relations_title",
    "select_page",
    "title_prefilter",
]

SELECT_MODES = ("relations", "all")

# hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

_D = re.escape(DASHES)  # for use inside a character class
_QUALIFIER = r"(?:\s*\([^()]*\))?"
_NAME = rf"[^\s{_D}].*?"  # a name may hold dashes itself: "Guinea-Bissau–Portugal relations"

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bilateral",
        re.compile(rf"^{_NAME}\s*[{_D}]\s*{_NAME}\s+relations{_QUALIFIER}$", re.IGNORECASE),
    ),
    ("foreign_relations", re.compile(rf"^foreign\s+relations\s+of\s+\S.*?{_QUALIFIER}$", re.IGNORECASE)),
    ("missions", re.compile(r"^list\s+of\s+diplomatic\s+missions\s+(?:of|in)\s+\S.*?$", re.IGNORECASE)),
    ("recognition", re.compile(rf"^international\s+recognition\s+of\s+\S.*?{_QUALIFIER}$", re.IGNORECASE)),
)

_INFOBOX = re.compile(r"\{\{\s*(?:template\s*:\s*)?infobox[ _]+bilateral[ _]+relations\b", re.IGNORECASE)
_INFOBOX_BYTES = re.compile(
    rb"\{\{\s*(?:template\s*:\s*)?infobox[ _]+bilateral[ _]+relations\b", re.IGNORECASE
)

# Cheap tests on raw dump bytes: every selecting title contains one of these words, every
# selecting text contains "ilateral" (Bilateral / bilateral).
_TITLE_WORDS = ("relations", "missions", "recognition")


def title_prefilter(title: str) -> bool:
    """False when ``title`` cannot be selected by its title (a fast test before the regexes)."""
    low = title.lower()
    return any(word in low for word in _TITLE_WORDS)


def relations_title(title: str) -> str | None:
    """The rule a title matches ("bilateral", "foreign_relations", "missions", "recognition") or None.

    >>> relations_title("Abkhazia–Russia relations")
    'bilateral'
    >>> relations_title("Foreign relations of the Holy See")
    'foreign_relations'
    >>> relations_title("Public relations") is None
    True
    """
    title = title.strip()
    if not title or not title_prefilter(title):
        return None
    for rule, pattern in _RULES:
        if pattern.match(title):
            return rule
    return None


def has_bilateral_infobox(text: str | bytes) -> bool:
    """True when the wikitext (str, or its UTF-8 bytes) has an ``{{Infobox bilateral relations``."""
    if isinstance(text, bytes):
        return b"ilateral" in text and _INFOBOX_BYTES.search(text) is not None
    return "ilateral" in text and _INFOBOX.search(text) is not None


def select_page(
    title: str,
    text: str | bytes = "",
    *,
    namespace: int = 0,
    redirect: str | None = None,
    mode: str = "relations",
) -> str | None:
    """Why a page is selected ("title:<rule>", "infobox" or "all"), or None if it is not.

    Only articles count: namespace 0 and not a redirect (a redirect's target is handled by
    :func:`redirect_target`). ``mode`` is "relations" (the rules above) or "all".
    """
    if mode not in SELECT_MODES:
        raise ValueError(f"unknown selection {mode!r}: use one of {', '.join(SELECT_MODES)}")
    if namespace != 0 or redirect is not None:
        return None
    if mode == "all":
        return "all"
    rule = relations_title(title)
    if rule is not None:
        return f"title:{rule}"
    if has_bilateral_infobox(text):
        return "infobox"
    return None


def redirect_target(title: str, target: str | None, *, namespace: int = 0) -> str | None:
    """The page a relations-titled redirect points to, when that page is not selected by its own title.

    ``"Russia–Abkhazia relations"`` redirecting to ``"Abkhazia–Russia relations"`` needs nothing
    (the target is selected anyway); ``"Soviet Union–Yugoslavia relations"`` redirecting to
    ``"Tito–Stalin split"`` makes that article wanted. A ``#section`` is dropped from the target.
    """
    if namespace != 0 or not target or relations_title(title) is None:
        return None
    page = target.split("#", 1)[0].strip()
    if not page or relations_title(page) is not None:
        return None
    return normalise_title(page)


def normalise_title(title: str) -> str:
    """The form MediaWiki stores a title in: underscores as spaces, first letter upper case."""
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:]
