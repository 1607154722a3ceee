"""Load test of the web server on loopback: requests/s, p50/p99 and errors at 32 clients.

    python bench/bench_web.py [--clients 32] [--requests 2000] [--seconds 20] [--bulk 300] [--check]

Builds a synthetic knowledge base (the web fixture plus ``--bulk`` generated articles) in a
temporary folder, starts ``dyad serve`` on 127.0.0.1 with a free port, and drives it with an
asyncio load generator (a minimal keep-alive HTTP/1.1 client on asyncio streams, or httpx with
``--client httpx``): ``--clients`` concurrent clients, each sending its next request
when the last one is answered, until ``--requests`` requests per endpoint or ``--seconds``
seconds, whichever comes first. Endpoints: ``/healthz`` (the baseline: no database, no
template), the pair's JSON (``/api/timeline`` and ``/api/status``) and the pair's page. It runs
twice: with the response cache (the default server) and with ``--no-cache`` (every request
queries and renders). Every number is beside the baseline of the same run as a ratio.

Only loopback is ever addressed; the run is bounded in requests and time and stops by itself.
Prints a table, writes ``bench/results/web.json``; with ``--check`` exits 1 unless the cached
server met the target (0 errors, p99 < 100 ms on every endpoint).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGET_P99_MS = 100.0
ENDPOINTS = (
    ("baseline", "/healthz"),
    ("pair JSON (timeline)", "/api/timeline?a=Arland&b=Borvia&limit=500"),
    ("pair JSON (status)", "/api/status?a=Arland&b=Borvia&on=2004-12-31"),
    ("pair page", "/pairs/Arland/Borvia?on=2004-12-31"),
    ("baseline again", "/healthz"),  # the same baseline at the end: how steady the machine was
)


@dataclass
class Result:
    server: str
    name: str
    path: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    bytes: int


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, cache: bool, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "dyad.cli", "serve", "--db", url, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]  # fmt: skip
    command.append("--cache" if cache else "--no-cache")
    log = (folder / f"server-{'cache' if cache else 'nocache'}.log").open("wb")
    env = {**os.environ, "DYAD_WEB_TOKEN": "", "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 90 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


async def _raw_get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, int]:
    """One GET on a kept-alive connection: (status, body bytes)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise ValueError("no Content-Length")
    await reader.readexactly(length)
    return status, length


async def load(
    base: str, path: str, clients: int, requests: int, seconds: float, client: str = "asyncio"
) -> tuple[list[float], int, int, float]:
    """Closed loop: ``clients`` tasks, each one request at a time on its own kept-alive
    connection, until ``requests`` were sent or ``seconds`` passed. Returns latencies (s),
    errors, bytes of the last answer, elapsed. ``client``: "asyncio" (a minimal HTTP/1.1
    client on asyncio streams: little CPU of its own, so the server is what is measured) or
    "httpx"."""
    latencies: list[float] = []
    errors = 0
    size = 0
    sent = 0
    host, _, port = base.removeprefix("http://").partition(":")
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode()
    start = time.perf_counter()
    deadline = start + seconds

    def more() -> bool:
        return sent < requests and time.perf_counter() < deadline

    async def raw_worker() -> None:
        nonlocal errors, size, sent
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while more():
                sent += 1
                t0 = time.perf_counter()
                try:
                    status, size = await asyncio.wait_for(_raw_get(reader, writer, request), 10)
                    ok = status == 200
                except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                latencies.append(time.perf_counter() - t0)
                errors += not ok
        finally:
            writer.close()

    if client == "asyncio":
        await asyncio.gather(*(raw_worker() for _ in range(clients)))
        return latencies, errors, size, time.perf_counter() - start

    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10.0) as http:

        async def httpx_worker() -> None:
            nonlocal errors, size, sent
            while more():
                sent += 1
                t0 = time.perf_counter()
                try:
                    response = await http.get(path)
                    ok = response.status_code == 200
                    size = len(response.content)
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        await asyncio.gather(*(httpx_worker() for _ in range(clients)))
    return latencies, errors, size, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def measure(server: str, base: str, args: argparse.Namespace) -> list[Result]:
    results = []
    for name, path in ENDPOINTS:
        asyncio.run(load(base, path, min(4, args.clients), 40, 10))  # warm up (imports, first render, cache)
        latencies, errors, size, elapsed = asyncio.run(
            load(base, path, args.clients, args.requests, args.seconds)
        )
        results.append(
            Result(
                server=server,
                name=name,
                path=path,
                requests=len(latencies),
                errors=errors,
                seconds=round(elapsed, 2),
                rps=round(len(latencies) / elapsed, 1) if elapsed else 0.0,
                p50_ms=round(statistics.median(latencies) * 1000, 2),
                p99_ms=round(percentile(latencies, 99) * 1000, 2),
                max_ms=round(max(latencies) * 1000, 2),
                bytes=size,
            )
        )
    return results


def report(results: list[Result]) -> str:
    lines = [
        f"{'server':<9} {'endpoint':<22} {'req':>6} {'err':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'rps/base':>9} {'p99/base':>9}"
    ]
    for server in dict.fromkeys(r.server for r in results):
        rows = [r for r in results if r.server == server]
        base = rows[0]
        for r in rows:
            lines.append(
                f"{r.server:<9} {r.name:<22} {r.requests:>6} {r.errors:>4} {r.rps:>8.1f} {r.p50_ms:>8.2f} "
                f"{r.p99_ms:>8.2f} {r.max_ms:>8.2f} {r.rps / base.rps:>9.2f} {r.p99_ms / base.p99_ms:>9.2f}"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint (a bound)")
    parser.add_argument("--seconds", type=float, default=20.0, help="per endpoint (a bound)")
    parser.add_argument("--bulk", type=int, default=300, help="generated articles added to the fixture")
    parser.add_argument("--client", choices=("asyncio", "httpx"), default="asyncio", help="load generator")
    parser.add_argument("--no-uncached", action="store_true", help="skip the run without the response cache")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 unless the cached server meets the target"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web.json")
    args = parser.parse_args()
    args.clients = max(1, min(args.clients, 256))
    args.requests = max(1, min(args.requests, 100_000))
    args.seconds = max(1.0, min(args.seconds, 120.0))

    from dyad.web.testing import build_fixture_kb

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="dyad-bench-web-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        fixture = build_fixture_kb(folder, bulk=args.bulk)
        print(
            f"knowledge base: {fixture.url} "
            f"({args.bulk} generated articles, {time.perf_counter() - t0:.1f} s)"
        )
        for server, cache in (("cached", True), ("uncached", False)):
            if not cache and args.no_uncached:
                continue
            proc, base = start_server(fixture.url, cache, folder)
            try:
                with urllib.request.urlopen(
                    f"{base}/api/timeline?a=Arland&b=Borvia&limit=1", timeout=30
                ) as r:
                    total = json.load(r)["total"]
                print(f"{server} server at {base}: the pair Arland–Borvia has {total} events")
                results += measure(server, base, args)
            finally:
                stop_server(proc)
    table = report(results)
    print(table)
    cached = [r for r in results if r.server == "cached"]
    met = all(r.errors == 0 and r.p99_ms < TARGET_P99_MS for r in cached)
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {os.cpu_count()} cores, load average {load1:.2f} at the end (other work skews the numbers)"
    )
    print(f"target (0 errors, p99 < {TARGET_P99_MS:.0f} ms at {args.clients} clients, cached server): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "clients": args.clients,
                "requests_per_endpoint": args.requests,
                "seconds_per_endpoint": args.seconds,
                "bulk_articles": args.bulk,
                "target_p99_ms": TARGET_P99_MS,
                "target_met": met,
                "results": [asdict(r) for r in results],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
