"""``dyad serve`` as a user runs it: help, a missing database, a bad option, a real answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dyad.web.testing import build_fixture_kb

DYAD = [sys.executable, "-m", "dyad.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([*DYAD, *args], capture_output=True, text=True, env=full, timeout=120)


def test_serve_help() -> None:
    result = run("serve", "--help")
    assert result.returncode == 0
    for word in ("--db", "--host", "--port", "--token", "DYAD_WEB_TOKEN", "--max-upload", "Example"):
        assert word in result.stdout, word


def test_serve_without_a_database_is_one_line(tmp_path: Path) -> None:
    result = run("serve", "--db", str(tmp_path / "missing.db"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: no knowledge base")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_serve_refuses_a_short_token_and_a_bad_log_level(tmp_path: Path) -> None:
    fixture = build_fixture_kb(tmp_path)
    result = run("serve", "--db", fixture.url, env={"DYAD_WEB_TOKEN": "abc"})
    assert result.returncode == 1 and "too short" in result.stderr
    result = run("serve", "--db", fixture.url, "--log-level", "loud")
    assert result.returncode == 1 and "unknown log level" in result.stderr


@pytest.mark.slow
def test_serve_answers_and_takes_uploads_with_the_token(tmp_path: Path) -> None:
    fixture = build_fixture_kb(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "cli-test-token-0123456789"
    env = {**os.environ, "DYAD_WEB_TOKEN": token}
    proc = subprocess.Popen(
        [*DYAD, "serve", "--db", fixture.url, "--port", str(port), "--log-level", "warning",
         "--max-upload", "1000"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/api/status?a=Arland&b=Borvia", timeout=10) as r:
            assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
        request = urllib.request.Request(
            f"{base}/api/documents?name=x.txt",
            data=b"x" * 2000,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        assert error.value.code == 413  # the token is right; the article is over --max-upload
    finally:
        proc.terminate()
        output = proc.communicate(timeout=15)[0]
    assert "uploads on" in output
