"""Bytes to text, with the checks every reader needs before it parses anything."""

from __future__ import annotations

from dyad.errors import ReadError

__all__ = ["MAX_BYTES", "decode_source"]

# Articles are at most a few hundred kilobytes; anything past this is not an article.
MAX_BYTES = 20 * 1024 * 1024


def decode_source(data: bytes | None, path: str, size: int | None = None) -> str:
    """Decode UTF-8 article bytes, or raise a one-line :class:`ReadError` saying what is wrong.

    ``data`` is None when the caller refused to load a file over :data:`MAX_BYTES`.
    """
    if data is None or (size is not None and size > MAX_BYTES) or len(data) > MAX_BYTES:
        mb = (size if size is not None else len(data or b"")) / 1e6
        raise ReadError(
            path,
            f"file is too large for an article ({mb:.1f} MB, the limit is {MAX_BYTES // 1_000_000} MB)",
            "split it, or ingest a MediaWiki XML dump with 'dyad ingest'",
        )
    if not data.strip():
        raise ReadError(path, "file is empty", "give a file with article text")
    if b"\x00" in data[:65536]:
        raise ReadError(path, "file is binary, not text", "give a UTF-8 text or wikitext article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(
            path,
            f"file is not valid UTF-8 (byte {error.start}: {data[error.start : error.start + 1]!r})",
            "convert it with: iconv -f LATIN1 -t UTF-8",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
