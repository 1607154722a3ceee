"""Benchmark of extraction: articles/s and sentences/s beside reading alone, with peak memory.

The baseline in the same run is the reader stage by itself (source -> Document), so the ratio
says what extraction costs on top of reading. Input: the bundled corpus, and the shared
real-wikitext pages when ../shared is present. Run: ``python bench/bench_extract.py``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _files(repeat: int) -> list[Path]:
    files = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "corpus").glob("*.wiki"))
    shared = ROOT.parent / "shared" / "corpus" / "real-wikitext"
    if shared.is_dir():
        files += sorted(shared.glob("*.wiki"))
    return files * repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the input")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from dyad.config import get_settings
    from dyad.extract import extract_document
    from dyad.extract.nlp import load_nlp, split_sentences
    from dyad.read import read_path

    load_nlp(get_settings().spacy_model)  # model load is start-up, not throughput
    files = _files(args.repeat)
    mb = sum(p.stat().st_size for p in files) / 1e6

    t0 = time.perf_counter()
    docs = [read_path(p) for p in files]
    read_s = time.perf_counter() - t0
    sentences = sum(len(split_sentences(b.text)) for d in docs for b in d.blocks if b.kind != "table_row")

    t0 = time.perf_counter()
    events = sum(len(extract_document(d)) for d in docs)
    extract_s = time.perf_counter() - t0

    # Gazetteer lookups on every sentence: a 5 KB paragraph, median of 30 (target < 5 ms).
    from dyad.entities import load_gazetteer

    gaz = load_gazetteer()
    paragraph = " ".join(b.text for d in docs for b in d.blocks if b.kind == "paragraph")[:5000]
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        gaz.find(paragraph)
        times.append(time.perf_counter() - t0)
    times.sort()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "articles": len(files),
        "input_mb": round(mb, 2),
        "sentences": sentences,
        "events": events,
        "read_articles_per_s": round(len(files) / read_s, 1),
        "extract_articles_per_s": round(len(files) / extract_s, 1),
        "extract_sentences_per_s": round(sentences / extract_s, 1),
        "extract_mb_per_s": round(mb / extract_s, 3),
        "ratio_extract_to_read": round(read_s / extract_s, 4),
        "gazetteer_find_5kb_median_ms": round(times[len(times) // 2] * 1000, 3),
        "peak_rss_mb": round(peak_mb, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("extraction benchmark (baseline: reading alone, same files, same run)")
    for key, value in result.items():
        print(f"  {key:28} {value}")


if __name__ == "__main__":
    sys.exit(main())
