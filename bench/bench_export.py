"""Benchmark of the dyad-year panel export: rows per second, beside the naive loop, and memory.

A synthetic knowledge base (``--states`` fictional states, default 100, events over ``--years``
years, default 30, stored through the real ingest path) is exported as a directed panel
(states x (states - 1) x years rows). Measured in the same run:

- **panel**: :func:`dyad.export.build_panel` (one read of the knowledge base, the derivations
  of :mod:`dyad.kb.state` per pair and year): rows/s;
- **write**: :func:`dyad.export.write_panel` to Parquet with codebook, metadata and content hash;
- **baseline**: the naive loop a user would write, one ``kb.status(a, b, on=f"{year}-12-31")``
  (and ``kb.timeline(a, b)`` for coverage and condemnations) per cell, timed on a random
  sample of ``--baseline-cells`` cells and extrapolated; its values are checked against the panel;
- the speed-up (panel rows/s over baseline rows/s, from CPU time: both run in this process, SQLite
  included, and CPU time does not depend on the machine's load; wall times are shown too) and the
  peak Python memory of each (``tracemalloc``, in a separate run so it does not slow the timings).

    python bench/bench_export.py                     # 100 states x 30 years
    python bench/bench_export.py --states 40 --years 10 --baseline-cells 300 --json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from dyad.export import build_panel, status_values, write_panel  # noqa: E402
from dyad.export.testing import synthetic_entities, synthetic_kb  # noqa: E402
from dyad.kb import KnowledgeBase  # noqa: E402


def naive_cell(kb: KnowledgeBase, a: str, b: str, year: int) -> dict[str, Any]:
    """One panel row the slow way: a status query per cell (plus the pair's timeline)."""
    timeline = kb.timeline(a, b)
    if not timeline:
        return {"covered": 0}
    sym, ab, _ = status_values(kb.status(a, b, on=f"{year}-12-31"), year)
    condemned = sum(
        1
        for f in timeline
        if f.type == "condemnation"
        and f.roles.get("actor") == a
        and f.roles.get("target") == b
        and (f.date or "").startswith(str(year))
    )
    return {"covered": 1, **sym, **ab, "condemnations": condemned}


def _na(value: Any) -> Any:
    return None if value is pd.NA else value


def run(states: int, years: int, cells: int, seed: int = 1) -> dict[str, Any]:
    end = 2020
    start = end - years + 1
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        kb = synthetic_kb(
            f"sqlite:///{Path(tmp) / 'bench.db'}",
            entities=synthetic_entities(states),
            docs=max(4, states // 2),
            per_doc=80,
            start=start,
            end=end,
            seed=seed,
        )
        build_s = time.perf_counter() - t0
        counts = kb.counts()

        t0, c0 = time.perf_counter(), time.process_time()
        panel = build_panel(kb, start=start, end=end)
        panel_s, panel_cpu = time.perf_counter() - t0, time.process_time() - c0
        frame = panel.frame
        rows = len(frame)

        t0 = time.perf_counter()
        write_panel(kb, Path(tmp) / "panel.parquet", start=start, end=end)
        write_s = time.perf_counter() - t0

        names = panel.states
        rng = random.Random(seed)
        sample: list[tuple[str, str, int]] = []
        for _ in range(cells):
            a, b = rng.sample(names, 2)
            sample.append((a, b, rng.randint(start, end)))
        index = {
            (r.name1, r.name2, r.year): i
            for i, r in enumerate(frame[["name1", "name2", "year"]].itertuples())
        }
        t0, c0 = time.perf_counter(), time.process_time()
        naive = [naive_cell(kb, a, b, y) for a, b, y in sample]
        baseline_s, baseline_cpu = time.perf_counter() - t0, time.process_time() - c0
        mismatches = 0
        for (a, b, y), values in zip(sample, naive, strict=True):
            row = frame.iloc[index[(a, b, y)]]
            if any(_na(row[k]) != v for k, v in values.items()):
                mismatches += 1

        tracemalloc.start()
        build_panel(kb, start=start, end=end)
        panel_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        tracemalloc.start()
        for a, b, y in sample[: max(1, cells // 5)]:
            naive_cell(kb, a, b, y)
        baseline_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        kb.close()

    # Rates from CPU time: the SQLite queries run in this process, and CPU time does not depend on
    # what else the machine is doing (wall times are reported too).
    panel_rate = rows / panel_cpu
    baseline_rate = cells / baseline_cpu
    return {
        "states": states,
        "years": years,
        "rows": rows,
        "facts": counts["facts"],
        "claims": counts["claims"],
        "kb_build_s": round(build_s, 2),
        "panel_s": round(panel_s, 3),
        "panel_cpu_s": round(panel_cpu, 3),
        "panel_rows_per_s": round(panel_rate),
        "write_parquet_s": round(write_s, 3),
        "write_rows_per_s": round(rows / write_s),
        "baseline_cells": cells,
        "baseline_s": round(baseline_s, 3),
        "baseline_cpu_s": round(baseline_cpu, 3),
        "baseline_rows_per_s": round(baseline_rate, 1),
        "baseline_full_panel_s_estimate": round(rows / baseline_rate, 1),
        "speedup": round(panel_rate / baseline_rate, 1),
        "baseline_mismatches": mismatches,
        "panel_peak_mib": round(panel_peak / 2**20, 1),
        "baseline_peak_mib": round(baseline_peak / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=100)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--baseline-cells", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    result = run(args.states, args.years, args.baseline_cells, args.seed)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "export.json").write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        r = result
        print(f"panel export: {r['states']} states x {r['years']} years = {r['rows']} rows")
        print(f"  ({r['facts']} facts from {r['claims']} claims)")
        rows = [
            (
                "build_panel",
                r["panel_s"],
                r["panel_cpu_s"],
                r["panel_rows_per_s"],
                f"peak {r['panel_peak_mib']} MiB",
            ),
            (
                "write_panel",
                r["write_parquet_s"],
                None,
                r["write_rows_per_s"],
                "Parquet + codebook + meta + hash",
            ),
            (
                "naive status loop",
                r["baseline_s"],
                r["baseline_cpu_s"],
                r["baseline_rows_per_s"],
                f"peak {r['baseline_peak_mib']} MiB, {r['baseline_cells']} sampled cells",
            ),
        ]
        for name, wall, cpu, rate, note in rows:
            cpu_text = f"{cpu:8.3f} s cpu" if cpu is not None else " " * 14
            print(f"  {name:<18} {wall:8.3f} s wall {cpu_text} {rate:>12,.0f} rows/s  {note}")
        estimate = r["baseline_full_panel_s_estimate"]
        print(f"  speed-up (cpu): {r['speedup']}x; the full panel the naive way: ~{estimate} s")
        print(f"  naive values that differ from the panel: {r['baseline_mismatches']}")
    return result


if __name__ == "__main__":
    main()
