"""spaCy, loaded once, and a sentence splitter cheap enough to run on every block.

Only candidate sentences (those with a trigger word) are parsed, in batches with ``nlp.pipe``.
Every component of the small English pipeline is used: the extractors read the dependency
parse, part-of-speech tags, lemmas and PERSON entities.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any

from dyad.errors import ConfigError

__all__ = ["load_nlp", "split_sentences"]


@lru_cache(maxsize=4)
def load_nlp(model: str) -> Any:
    """Load a spaCy pipeline by package name (the model is a setting, see dyad.config)."""
    try:
        module = importlib.import_module(model)
        nlp = module.load()
    except ModuleNotFoundError:
        try:
            import spacy

            nlp = spacy.load(model)
        except OSError:
            raise ConfigError(
                f"the spaCy model {model!r} is not installed",
                "run 'make setup', or set DYAD_SPACY_MODEL to an installed model such as en_core_web_sm",
            ) from None
    return nlp


# Abbreviations that end with a full stop but do not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "no", "nos", "gen", "col", "lt", "maj", "capt", "sgt", "rev", "prof",
    "sen", "rep", "gov", "pres", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "approx", "etc", "vs", "cf", "e.g", "i.e", "art", "para", "vol", "inc", "ltd", "co",
    "jr", "sr", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "mt", "ft", "fig", "est",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``: split after . ! ? before a capital, not after abbreviations."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start() + 1]
        word = re.search(r"([\w.]+)\.$", before)
        if word:
            w = word.group(1).lower()
            if w in _ABBREV or (len(w) == 1 and w.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w):
                continue
        end = m.start() + len(m.group(0).rstrip())
        spans.append((start, end))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]
