"""Which reader fits a file: by extension first, then by what the text looks like."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["ARTICLE_SUFFIXES", "detect_format"]

ARTICLE_SUFFIXES = {".txt", ".wiki", ".wikitext", ".mediawiki", ".text", ""}
_WIKI_SUFFIXES = {".wiki", ".wikitext", ".mediawiki"}

# Markup that the rendered plain text never contains.
_WIKI_SIGNS = re.compile(r"\{\{|\[\[|\{\||<ref[\s>]|'''|^\*", re.MULTILINE)


def detect_format(source: str, text: str) -> str:
    """Return "wikitext" or "text"."""
    suffix = Path(source).suffix.lower()
    if suffix in _WIKI_SUFFIXES:
        return "wikitext"
    head = text[:20000]
    if suffix == ".txt" and head.lstrip().startswith("= ") and "{{" not in head:
        return "text"
    signs = len(_WIKI_SIGNS.findall(head))
    return "wikitext" if signs >= 2 else "text"
