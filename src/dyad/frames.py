"""The knowledge base as pandas DataFrames.

>>> import dyad.frames
>>> events = dyad.frames.events("sqlite:///dyad.db")
>>> panel = dyad.frames.panel("sqlite:///dyad.db", start=2000, end=2020, codes="cow")

Both take a knowledge base (``dyad.kb.open_kb(...)``) or its URL (None: ``DYAD_DB`` or
``sqlite:///dyad.db``). Columns use pandas' nullable dtypes (``Int64``, ``string``, ``boolean``,
``Float64``), so missing values stay missing (``<NA>``, never 0 or NaN-as-float) and a frame
written to Parquet reads back equal. The columns are those of ``dyad export events`` and
``dyad export panel``; the panel's are defined in its codebook (``dyad.export.VARIABLES``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dyad.kb import KnowledgeBase, open_kb

__all__ = ["events", "panel"]


def _kb(db: KnowledgeBase | str | None) -> KnowledgeBase:
    return db if isinstance(db, KnowledgeBase) else open_kb(db, create=False)


def events(db: KnowledgeBase | str | None = None) -> pd.DataFrame:
    """One row per event as a document tells it, with evidence, offsets and the fused event."""
    from dyad.export.events import events_frame

    return events_frame(_kb(db))


def panel(
    db: KnowledgeBase | str | None = None,
    *,
    start: int | None = None,
    end: int | None = None,
    states: Sequence[str] | None = None,
    codes: str = "cow",
    directed: bool = True,
) -> pd.DataFrame:
    """The dyad-year panel (see ``dyad export panel``): identifiers first, sorted by them."""
    from dyad.export.panel import build_panel

    return build_panel(_kb(db), start=start, end=end, states=states, codes=codes, directed=directed).frame
