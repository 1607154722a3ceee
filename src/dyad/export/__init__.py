"""Exports of the knowledge base: dyad-year panels, events, networks, linked data, QuickStatements.

Each export is one function that writes a file atomically (no half-written file on failure) and
one that builds the data in memory:

- :func:`write_panel` / :func:`build_panel`: the dyad-year panel (CSV or Parquet) with its
  codebook (:func:`codebook_markdown`, from :data:`VARIABLES`) and metadata;
- :func:`write_events` / :func:`events_frame`: every event with its evidence (JSON Lines in the
  exchange format, CSV, Parquet); :func:`import_events` reads the JSON Lines back;
- :func:`write_graph` / :func:`build_graph`: recognitions and relations as GraphML or GEXF;
- :func:`write_rdf` / :func:`build_rdf`: Turtle or JSON-LD;
- :func:`write_quickstatements` / :func:`quickstatements`: Wikidata P530 statements;
- :func:`content_hash`: the hash of what a knowledge base holds, recorded with every panel.

``dyad.frames`` gives the same data as pandas DataFrames.
"""

from __future__ import annotations

from dyad.export.codebook import VARIABLES, Variable, codebook_markdown, column_names
from dyad.export.codes import CODE_SYSTEMS, PROJECT_CODES, Assignment, assign_codes
from dyad.export.events import (
    content_hash,
    events_frame,
    import_events,
    iter_exchange,
    read_events,
    write_events,
)
from dyad.export.files import atomic_outputs
from dyad.export.graph import build_graph, write_graph
from dyad.export.panel import Panel, PanelResult, build_panel, status_values, write_panel
from dyad.export.quickstatements import (
    QuickStatementsResult,
    load_claims,
    quickstatements,
    write_quickstatements,
)
from dyad.export.rdf import build_rdf, write_rdf

__all__ = [
    "CODE_SYSTEMS",
    "PROJECT_CODES",
    "VARIABLES",
    "Assignment",
    "Panel",
    "PanelResult",
    "QuickStatementsResult",
    "Variable",
    "assign_codes",
    "atomic_outputs",
    "build_graph",
    "build_panel",
    "build_rdf",
    "codebook_markdown",
    "column_names",
    "content_hash",
    "events_frame",
    "import_events",
    "iter_exchange",
    "load_claims",
    "quickstatements",
    "read_events",
    "status_values",
    "write_events",
    "write_graph",
    "write_panel",
    "write_quickstatements",
    "write_rdf",
]
