"""``make bench``: every benchmark, each beside its baseline in the same run.

Sizes are chosen to finish in minutes on a 2-core machine; each script takes options for the
full runs its issue asks for (``bench/bench_kb.py --events 1000000``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["bench_extract.py", "--repeat", "2"],
    ["bench_kb.py", "--events", "200000"],
    ["bench_export.py"],
    ["bench_scale.py"],
    ["bench_web.py", "--requests", "1000"],
]


def main() -> int:
    failed = []
    for args in RUNS:
        print(f"\n===== {' '.join(args)} =====", flush=True)
        code = subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]])
        if code:
            failed.append(args[0])
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
