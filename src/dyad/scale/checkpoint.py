"""Where an interrupted ingest of a dump resumes: a small JSON file written atomically.

The file records, for one dump (path, size, mtime) and one selection into one sink, the
:class:`~dyad.scale.dumps.Position` before which every page has been scanned and every
selected page stored, the redirect targets still wanted, and the last document written (so a
checkpoint whose knowledge base was deleted or replaced is noticed and ignored). Writes go to
a temporary file renamed over the old one: a crash leaves the old checkpoint or the new one.

Default place: beside a SQLite knowledge base (``kb.db.ingest-<dump>-<key>.json``), otherwise
in ``$DYAD_STATE_DIR`` or ``~/.cache/dyad/ingest/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dyad.scale.dumps import Position

__all__ = ["Checkpoint", "checkpoint_path", "load_checkpoint", "save_checkpoint"]

VERSION = 1


@dataclass(slots=True)
class Checkpoint:
    dump: str
    size: int
    mtime: float
    select: str
    phase: str = "scan"  # "scan", then "redirects" (second pass for wanted targets), then "done"
    position: tuple[int, int] = (0, 0)
    wanted: list[str] = field(default_factory=list)  # redirect targets not met yet
    wanted_until: tuple[int, int] = (0, 0)  # the last redirect that added one (the second pass stops there)
    last_doc: tuple[str, str] | None = None  # (doc_id, content hash) of the last document written
    totals: dict[str, int] = field(default_factory=dict)  # running counts over all runs
    version: int = VERSION

    @property
    def start(self) -> Position:
        return Position(*self.position)

    def matches(self, dump: Path, select: str) -> bool:
        st = dump.stat()
        return (
            self.version == VERSION
            and self.dump == str(dump.resolve())
            and self.size == st.st_size
            and abs(self.mtime - st.st_mtime) < 1e-3
            and self.select == select
        )

    @classmethod
    def fresh(cls, dump: Path, select: str) -> Checkpoint:
        st = dump.stat()
        return cls(str(dump.resolve()), st.st_size, st.st_mtime, select)


def checkpoint_path(dump: str | Path, sink: Any, select: str) -> Path:
    """The default checkpoint file for ingesting ``dump`` into ``sink`` with ``select``."""
    dump = Path(dump).resolve()
    url = str(getattr(sink, "url", "") or f"{type(sink).__module__}.{type(sink).__qualname__}")
    key = hashlib.sha1(f"{dump}\n{url}\n{select}".encode()).hexdigest()[:10]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", dump.name)[:80]
    db = _sqlite_file(url)
    if db is not None:
        return db.with_name(f"{db.name}.ingest-{name}-{key}.json")
    base = os.environ.get("DYAD_STATE_DIR")
    folder = Path(base) if base else Path.home() / ".cache" / "dyad" / "ingest"
    return folder / f"{name}-{key}.json"


def _sqlite_file(url: str) -> Path | None:
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            database = url[len(prefix) :].split("?", 1)[0]
            if database and database != ":memory:":
                return Path(database).resolve()
    return None


def load_checkpoint(path: Path) -> Checkpoint | None:
    """The checkpoint in ``path``, or None if there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["position"] = tuple(data["position"])
        data["wanted_until"] = tuple(data.get("wanted_until", (0, 0)))
        if data.get("last_doc") is not None:
            data["last_doc"] = tuple(data["last_doc"])
        return Checkpoint(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def save_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(checkpoint), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
