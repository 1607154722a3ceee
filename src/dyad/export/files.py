"""Writing export files safely, and the metadata that makes an export reproducible.

Every export is written to a temporary file in the folder of its target and moved into place
with :func:`os.replace` only once it is complete, so a failed export (an error, a full disk, an
interrupt) leaves no half-written file behind and never damages a file that was there before.
:func:`atomic_outputs` does this for several files at once (a panel, its codebook and its
metadata): either all of them are replaced or none is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dyad.errors import InputError

__all__ = [
    "atomic_outputs",
    "check_output",
    "command_line",
    "sha256_file",
    "sidecar",
    "utc_now",
    "write_json",
]


def check_output(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, after checking that a file can be written there (InputError if not)."""
    target = Path(path)
    if str(path) in ("", "-"):
        raise InputError("an export needs an output file", "give -o PATH")
    if target.is_dir():
        raise InputError(f"{target} is a folder", "give -o the path of a file, e.g. -o out/panel.csv")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(
            f"cannot write {target}: folder {str(parent)!r} does not exist", "create the folder first"
        )
    return target


def sidecar(path: Path, suffix: str) -> Path:
    """A file beside ``path`` named after it: ``panel.csv`` + ``.codebook.md`` gives ``panel.codebook.md``."""
    return path.with_name(path.stem + suffix)


@contextmanager
def atomic_outputs(*targets: str | os.PathLike[str]) -> Iterator[list[Path]]:
    """Temporary paths for ``targets``, moved onto them when the block ends without error.

    On any error (or interrupt) the temporary files are removed and the targets are untouched.
    """
    paths = [check_output(t) for t in targets]
    temps: list[Path] = []
    try:
        for target in paths:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
            os.close(fd)
            temps.append(Path(name))
        yield temps
        for temp, target in zip(temps, paths, strict=True):
            _fsync(temp)
            os.chmod(temp, _mode(target))
        for temp, target in zip(temps, paths, strict=True):
            os.replace(temp, target)
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise


def _mode(target: Path) -> int:
    """The permissions of the file being replaced, or what a new file would get (0666 minus umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _fsync(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    except OSError:  # some file systems cannot fsync; the rename is still atomic
        pass


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    Path(path).write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )


def command_line(words: Sequence[str]) -> str:
    """A shell command line for ``words``, quoted so that it can be pasted back."""
    return " ".join(shlex.quote(str(w)) for w in words)


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
