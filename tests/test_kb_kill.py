"""A batch ingest killed with SIGKILL in the middle leaves a consistent database, and running
the same command again completes the work with no duplicates: the result equals a clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from dyad.kb import open_kb
from dyad.kb.schema import DocumentRow
from dyad.kb.testing import check_consistency, engine_url, fixture_extractor, snapshot, write_fixture_corpus

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
N_DOCS = 160


def _documents(kb: object) -> int:
    try:
        with kb.engine.connect() as conn:  # type: ignore[attr-defined]
            return int(conn.execute(select(func.count()).select_from(DocumentRow)).scalar_one())
    except OperationalError:  # the writer holds the lock for a moment
        return -1


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_sigkill_in_the_middle_then_rerun(engine: str, tmp_path: Path) -> None:
    url = engine_url(engine, tmp_path)
    corpus = tmp_path / "corpus"
    write_fixture_corpus(corpus, N_DOCS)
    command = [
        sys.executable,
        "-c",
        "from dyad.cli import main; main()",
        "ingest",
        str(corpus),
        "--db",
        url,
        "--extractor",
        "dyad.kb.testing:fixture_extractor",
    ]
    kb = open_kb(url, gazetteer=None)  # creates the schema, so the poller can count from the start

    # Kill at a few points; most of each document's time is spent inside its transaction.
    killed_at = []
    for target in (10, 45, 90):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while _documents(kb) < target:
            if proc.poll() is not None:
                pytest.fail(f"ingest ended before it was killed: {proc.stderr.read() if proc.stderr else ''}")
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("ingest made no progress")
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        stored = _documents(kb)
        killed_at.append(stored)
        assert 0 < stored < N_DOCS, "the kill must land in the middle of the folder"
        assert check_consistency(kb) == []

    # The same command again completes the work.
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert _documents(kb) == N_DOCS
    assert check_consistency(kb) == []
    resumed = snapshot(kb)
    kb.close()

    # A clean, uninterrupted run of the same folder gives the same facts.
    clean = open_kb(f"sqlite:///{tmp_path / 'clean.db'}", gazetteer=None)
    report = clean.ingest_documents([corpus], extractor=fixture_extractor)
    assert report.ok and len(report.added) == N_DOCS
    assert resumed == snapshot(clean)
    assert killed_at == sorted(killed_at)
    clean.close()
