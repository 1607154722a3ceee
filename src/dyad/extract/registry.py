"""Extractors registered by a versioned name, as spaCy registers pipeline components.

An extractor is a function ``(sentence) -> Iterable[Event]`` for prose and list items, or
``(row) -> Iterable[Event]`` for table rows. Adding an event type means adding one module
that registers its extractor and naming the module in :data:`EXTRACTOR_MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dyad.errors import ConfigError

__all__ = ["EXTRACTOR_MODULES", "Extractor", "register", "registered"]

# The one list of extractor modules, in the order they run.
EXTRACTOR_MODULES = (
    "dyad.extract.recognitions",
    "dyad.extract.relations",
    "dyad.extract.treaties",
    "dyad.extract.envoys",
    "dyad.extract.missions",
    "dyad.extract.condemnations",
    "dyad.extract.memberships",
    "dyad.extract.tables",
    "dyad.extract.ellipsis",
    "dyad.extract.infobox",
)


@dataclass(frozen=True)
class Extractor:
    name: str  # "recognition.v1"
    applies_to: str  # "sentence", "row" or "document"
    func: Callable[[Any], Iterable[Any]]


_REGISTRY: dict[str, Extractor] = {}


def register(name: str, applies_to: str = "sentence") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an extractor under a versioned name such as ``"recognition.v1"``."""
    if "." not in name or not name.rsplit(".", 1)[1].startswith("v"):
        raise ValueError(f"extractor names carry a version: {name!r} should look like 'recognition.v1'")

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = Extractor(name, applies_to, func)
        return func

    return wrap


def registered(names: Iterable[str] = ()) -> list[Extractor]:
    """The extractors to run: all registered ones, or those named (unknown names are an error)."""
    for module in EXTRACTOR_MODULES:
        importlib.import_module(module)
    wanted = list(names)
    if not wanted:
        return list(_REGISTRY.values())
    unknown = [n for n in wanted if n not in _REGISTRY]
    if unknown:
        raise ConfigError(
            f"unknown extractor(s): {', '.join(unknown)}",
            "known extractors: " + ", ".join(sorted(_REGISTRY)),
        )
    return [_REGISTRY[n] for n in wanted]
