"""An in-memory cache of rendered GET responses, dropped whenever the stored documents change.

The server is read-only by default, and the same pair page or JSON answer is asked for again
and again; rendering one takes several queries and a template. The cache keeps successful
(200) GET answers by path and query string, at most ``max_entries`` of them (least recently
used go first). At most every ``check_seconds`` it reads a cheap stamp of the ``documents``
table (count, newest ingest time, events) and empties itself when the stamp moved, so an
ingest by another process shows within that time; an upload through this server empties it
at once. A response that says ``Cache-Control: no-store`` is never kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CacheStore", "ResponseCache"]

_SKIP_PREFIXES = ("/static/", "/healthz", "/openapi.json", "/docs")
_MAX_BODY = 4 * 1024 * 1024


class CacheStore:
    """The kept responses and the data stamp; ``version()`` is called in a worker thread."""

    def __init__(
        self, version: Callable[[], Any], max_entries: int = 2048, check_seconds: float = 1.0
    ) -> None:
        self.version = version
        self.max_entries = max_entries
        self.check_seconds = check_seconds
        self.entries: OrderedDict[tuple[str, bytes], tuple[int, list[tuple[bytes, bytes]], bytes]] = (
            OrderedDict()
        )
        self.stamp: Any = None
        self._checked = float("-inf")
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        self.entries.clear()

    async def refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_seconds:
            return
        self._checked = now  # set first: concurrent requests do not all check
        try:
            stamp = await anyio.to_thread.run_sync(self.version)
        except Exception:  # a failing stamp must not take pages down; serve uncached instead
            self.clear()
            self.stamp = None
            self._checked = float("-inf")
            return
        if stamp != self.stamp:
            self.clear()
            self.stamp = stamp

    def put(self, key: tuple[str, bytes], value: tuple[int, list[tuple[bytes, bytes]], bytes]) -> None:
        self.entries[key] = value
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


class ResponseCache:
    """ASGI middleware over a :class:`CacheStore`."""

    def __init__(self, app: ASGIApp, store: CacheStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(_SKIP_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        store = self.store
        await store.refresh()
        key = (scope["path"], scope.get("query_string", b""))
        found = store.entries.get(key)
        if found is not None:
            store.entries.move_to_end(key)
            store.hits += 1
            status, headers, body = found
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [*headers, (b"x-dyad-cache", b"hit")],
                }
            )
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return
        store.misses += 1
        stamp_before = store.stamp
        start: Message | None = None
        chunks: list[bytes] = []
        keep = scope["method"] == "GET"

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = message
                headers = list(message.get("headers", []))
                if message["status"] != 200 or any(
                    k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in headers
                ):
                    keep = False
                message = {**message, "headers": [*headers, (b"x-dyad-cache", b"miss")]}
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > _MAX_BODY:
                    keep = False
                    chunks.clear()
                if (
                    not message.get("more_body", False)
                    and keep
                    and start is not None
                    and store.stamp == stamp_before
                ):
                    store.put(key, (start["status"], list(start.get("headers", [])), b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, capture)
