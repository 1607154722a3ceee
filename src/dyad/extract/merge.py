"""Within one document, the same event stated twice is one event.

Two statements are the same event when their types and roles agree (parties as a set,
persons by family name, optional roles such as ``city`` agreeing where both give one) and
their dates are compatible: equal, one missing, or one a coarser form of the other
("2009" and "2009-05-01"). The merged event keeps the most precise date, the fullest roles
and every piece of evidence. Different exact dates stay different events: an envoy can
present credentials twice.
"""

from __future__ import annotations

from typing import Any

from dyad.model import Event

__all__ = ["dates_compatible", "merge_events", "same_event"]

_OPTIONAL_ROLES = ("city",)


def _norm(name: str, value: Any) -> Any:
    if name == "parties":
        return frozenset(value or ())
    if name == "person":
        words = str(value or "").split()
        return words[-1].lower() if words else ""
    if name == "title":
        return " ".join(str(value or "").lower().split())
    return value


def dates_compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def same_event(a: Event, b: Event) -> bool:
    if a.type != b.type or not dates_compatible(a.date, b.date):
        return False
    names = set(a.roles) | set(b.roles)
    for name in names:
        va, vb = a.roles.get(name), b.roles.get(name)
        if name in _OPTIONAL_ROLES and (
            va is None or vb is None or str(va).endswith(str(vb)) or str(vb).endswith(str(va))
        ):
            continue
        if name == "title":
            if not _titles_overlap(str(va or ""), str(vb or "")):
                return False
            continue
        if _norm(name, va) != _norm(name, vb):
            return False
    return True


def _titles_overlap(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def _more_precise(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if len(a) >= len(b) else b


def _fuller(name: str, old: Any, new: Any) -> bool:
    """Whether ``new`` says more than ``old``: a role filled in, a full name, a longer title."""
    if old in (None, ""):
        return new not in (None, "")
    if name == "person":
        return len(str(new).split()) > len(str(old).split())
    if name == "title":
        return len(str(new)) > len(str(old))
    return False


def merge_events(events: list[Event]) -> list[Event]:
    """Merge repeated statements of one event, keeping document order of first statement."""
    merged: list[Event] = []
    for event in events:
        for kept in merged:
            if same_event(kept, event):
                kept.date = _more_precise(kept.date, event.date)
                for name, value in event.roles.items():
                    if _fuller(name, kept.roles.get(name), value):
                        kept.roles[name] = value
                kept.evidence.extend(e for e in event.evidence if e not in kept.evidence)
                kept.confidence = max(kept.confidence, event.confidence)
                break
        else:
            merged.append(event)
    return merged
