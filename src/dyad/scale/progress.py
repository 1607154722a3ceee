"""Progress of an ingest: a snapshot of the counts, and a rich display of it on stderr."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["IngestProgress", "RichProgress"]


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Where an ingest stands. ``bytes_read``/``bytes_total``: compressed input; ``phase``:
    "scan" or "redirects" (the second pass that fetches redirect targets)."""

    phase: str
    scanned: int
    selected: int
    ingested: int
    unchanged: int
    failed: int
    events: int
    bytes_read: int
    bytes_total: int
    elapsed: float

    @property
    def mb_per_s(self) -> float:
        return self.bytes_read / 1e6 / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far (None until there is a rate)."""
        if self.bytes_read <= 0 or self.elapsed <= 0:
            return None
        return max(0.0, (self.bytes_total - self.bytes_read) / (self.bytes_read / self.elapsed))


class RichProgress:
    """A rich progress bar over the compressed input: pages scanned, selected, ingested, MB/s, ETA."""

    def __init__(self, title: str, total: int, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[counts]}"),
            console=console or Console(stderr=True),
            refresh_per_second=4,
        )
        self._task = self._progress.add_task(title, total=total or None, counts="")

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, snap: IngestProgress) -> None:
        counts = (
            f"{snap.scanned:,} scanned · {snap.selected:,} selected · {snap.ingested:,} ingested"
            + (f" · {snap.unchanged:,} unchanged" if snap.unchanged else "")
            + (f" · [red]{snap.failed:,} failed[/]" if snap.failed else "")
        )
        description = "resolving redirects" if snap.phase == "redirects" else "scanning"
        self._progress.update(
            self._task, completed=snap.bytes_read, counts=counts, description=description, refresh=False
        )
