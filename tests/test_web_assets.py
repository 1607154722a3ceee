"""The committed JavaScript bundles are the build of the committed sources and lockfile.

``src/dyad/web/frontend/build.mjs`` (``npm ci && npm run build``) bundles ``frontend/src`` with
esbuild into ``static/`` and writes ``static/manifest.json``: the sha256 of every input
(sources, build script, package.json, package-lock.json) and of every output. These tests
check that record against the files in the tree, without npm or the network; when the
frontend's ``node_modules`` is installed (from the lockfile) and node is on PATH, one more test
rebuilds into a temporary folder and compares byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[1] / "src" / "dyad" / "web"
FRONTEND = WEB / "frontend"
STATIC = WEB / "static"
MANIFEST = json.loads((STATIC / "manifest.json").read_text())
HAND_WRITTEN = {"dyad.css", "favicon.svg", "manifest.json"}  # served as they are, not built


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_outputs_match_the_manifest() -> None:
    for name, info in MANIFEST["outputs"].items():
        path = STATIC / name
        assert path.exists(), f"{name} is in the manifest but not in static/"
        assert sha256(path) == info["sha256"], f"static/{name} is not the recorded build (run: npm run build)"
        assert path.stat().st_size == info["bytes"]


def test_inputs_match_the_manifest() -> None:
    """Sources, build script, package.json and lockfile are the ones the bundles were built from."""
    expected = dict(MANIFEST["sources"])
    actual = {name: sha256(FRONTEND / name) for name in ("build.mjs", "package.json", "package-lock.json")}
    actual |= {f"src/{p.name}": sha256(p) for p in sorted((FRONTEND / "src").iterdir()) if p.is_file()}
    assert actual == expected, (
        "frontend sources changed since the last build: run 'npm ci && npm run build' there"
    )


def test_no_unrecorded_files_in_static() -> None:
    names = {p.name for p in STATIC.iterdir() if p.is_file()}
    assert names - HAND_WRITTEN == set(MANIFEST["outputs"]), (
        "every static file but the hand-written ones is built"
    )


def test_versions_are_pinned_and_locked() -> None:
    package = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    assert not package.get("dependencies")
    for name, spec in package["devDependencies"].items():
        assert spec[0].isdigit() and all(c not in spec for c in "^~<>*x "), (
            f"{name}: {spec} is not an exact version"
        )
        assert lock["packages"][f"node_modules/{name}"]["version"] == spec
        assert MANIFEST["packages"][name] == spec
        assert lock["packages"][f"node_modules/{name}"]["integrity"].startswith("sha512-")
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]


def test_bundles_are_self_contained() -> None:
    """No bundle fetches code from elsewhere at run time."""
    for name in MANIFEST["outputs"]:
        if not name.endswith(".js") or name == "swagger-ui-bundle.js":
            continue
        text = (STATIC / name).read_text()
        assert "import(" not in text and "require(" not in text, name
        assert "http://" not in text.replace("http://www.w3.org/", "") and "https://" not in text, name


def test_sources_put_text_in_as_text() -> None:
    """Article text reaches the DOM through textContent and d3's .text(), never as markup."""
    for path in (FRONTEND / "src").glob("*.js"):
        text = path.read_text()
        for banned in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            ".html(",
            "document.write",
            "eval(",
            "new Function",
        ):
            assert banned not in text, f"{path.name} uses {banned}"


def _node_modules_match_lockfile() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    installed = FRONTEND / "node_modules" / ".package-lock.json"
    if not installed.exists():
        return "frontend/node_modules is not installed (npm ci there to run this check)"
    lock = json.loads((FRONTEND / "package-lock.json").read_text())["packages"]
    have = json.loads(installed.read_text())["packages"]
    for key, info in have.items():
        if key in lock and lock[key].get("version") != info.get("version"):
            return f"node_modules is not the lockfile's ({key}): run npm ci"
    return None


def test_a_fresh_build_gives_the_committed_bytes(tmp_path: Path) -> None:
    reason = _node_modules_match_lockfile()
    if reason:
        pytest.skip(reason)
    result = subprocess.run(
        ["node", "build.mjs", "--out", str(tmp_path)],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for name in [*MANIFEST["outputs"], "manifest.json"]:
        assert sha256(tmp_path / name) == sha256(STATIC / name), f"{name} differs from a fresh build"
