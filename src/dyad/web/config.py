"""The settings of one web server (what ``dyad serve`` passes to :func:`dyad.web.create_app`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dyad.errors import ConfigError

__all__ = ["DEFAULT_MAX_UPLOAD", "MIN_TOKEN_LENGTH", "TOKEN_ENV", "WebConfig"]

TOKEN_ENV = "DYAD_WEB_TOKEN"
DEFAULT_MAX_UPLOAD = 2 * 1024 * 1024  # an article is at most a few hundred kilobytes
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class WebConfig:
    """``token``: the write token (None: every write endpoint is off; env ``DYAD_WEB_TOKEN``
    when :meth:`from_env` builds it). ``max_upload``: the largest article an upload may send,
    in bytes. ``cache``: keep rendered GET responses in memory until the stored documents
    change. ``source_root``: where relative source paths of ingested documents are read from
    (default: the working folder), to show evidence in its document. ``extractor``: the
    extractor uploads are ingested with (None: dyad's own)."""

    token: str | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    cache: bool = True
    cache_entries: int = 2048
    cache_check_seconds: float = 1.0
    source_root: Path | None = None
    extractor: str | Callable[[Any], Sequence[Any]] | None = None

    def __post_init__(self) -> None:
        if self.token is not None and len(self.token) < MIN_TOKEN_LENGTH:
            raise ConfigError(
                f"the web token is too short ({len(self.token)} characters; at least {MIN_TOKEN_LENGTH})",
                'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"',
            )
        if self.max_upload <= 0:
            raise ConfigError("the upload limit must be a positive number of bytes")

    @property
    def writable(self) -> bool:
        return bool(self.token)

    @classmethod
    def from_env(cls, token: str | None = None, **kwargs: Any) -> WebConfig:
        """A config whose token is ``token``, else env ``DYAD_WEB_TOKEN`` (empty: none)."""
        value = token if token is not None else os.environ.get(TOKEN_ENV)
        return cls(token=value.strip() if value and value.strip() else None, **kwargs)
