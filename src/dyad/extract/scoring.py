"""Scoring extracted events against gold, by the matching rules of the events spec.

The rules: events match one to one within a document (a maximum bipartite matching); a
system event matches a gold event when the types agree and every role the gold gives agrees
(states through an alias table, ``parties`` as sets, persons by family name, titles when one's
content words contain the other's or overlap by half, ``kind`` exactly); strict scoring also
wants the same date string (a gold null date is not compared). Gold marked ``optional``
counts neither as missed nor against a matching system event. The shared benchmark ships its
own scorer; this one lets a fresh clone score the bundled corpus without it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyad.errors import InputError

__all__ = ["Score", "load_aliases", "load_jsonl", "score_events"]

_ENTITY_ROLES = ("actor", "target", "sender", "receiver", "owner", "host", "member", "organization")
_STOP = {"a", "an", "the", "of", "on", "in", "and", "for", "to", "with", "between", "its", "their", "by"}


def _fold(text: Any) -> str:
    return re.sub(r"[\s\u2013\u2014\-_]+", " ", str(text)).strip().lower()


def load_aliases(path: str | Path | None) -> dict[str, str]:
    table: dict[str, str] = {}
    if path and Path(path).exists():
        for canonical, names in json.loads(Path(path).read_text(encoding="utf-8")).items():
            for name in [canonical, *names]:
                table[_fold(name)] = _fold(canonical)
    return table


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise InputError(
                    f"{path}:{number}: not JSON ({error.msg})", "one JSON object per line"
                ) from None
    return out


def _words(title: Any) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", str(title or "").lower()) if w not in _STOP}


def _title_ok(gold: Any, system: Any) -> bool:
    g, s = _words(gold), _words(system)
    return bool(g and s) and (g <= s or s <= g or len(g & s) / len(g | s) >= 0.5)


def _compatible(aliases: dict[str, str], strict: bool) -> Callable[[dict[str, Any], dict[str, Any]], bool]:
    def name(value: Any) -> str | None:
        if value is None:
            return None
        key = re.sub(r"^the ", "", _fold(value))
        return aliases.get(key, key)

    def family(value: Any) -> str:
        words = re.findall(r"[\w'\u2019]+", str(value or "").lower())
        return words[-1] if words else ""

    def ok(g: dict[str, Any], s: dict[str, Any]) -> bool:
        if g.get("type") != s.get("type"):
            return False
        if any(role in g and name(g[role]) != name(s.get(role)) for role in _ENTITY_ROLES):
            return False
        if "parties" in g and {name(p) for p in g["parties"]} != {name(p) for p in s.get("parties") or []}:
            return False
        if "person" in g and family(g["person"]) != family(s.get("person")):
            return False
        if "title" in g and not _title_ok(g["title"], s.get("title")):
            return False
        if "kind" in g and _fold(g["kind"]).replace(" ", "_") != _fold(s.get("kind") or "").replace(" ", "_"):
            return False
        return not strict or g.get("date") is None or str(g.get("date")) == str(s.get("date"))

    return ok


def _matching(
    gold: list[dict[str, Any]], system: list[dict[str, Any]], ok: Callable[..., bool]
) -> dict[int, int]:
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for s in range(len(system)):
            if s not in seen and ok(gold[g], system[s]):
                seen.add(s)
                if s not in owner or augment(owner[s], seen):
                    owner[s] = g
                    return True
        return False

    for g in range(len(gold)):
        augment(g, set())
    return {g: s for s, g in owner.items()}


@dataclass
class Score:
    """Counts per event type: true positives, system events, gold events."""

    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def prf(tp: int, sys_n: int, gold_n: int) -> tuple[float, float, float]:
        p = tp / sys_n if sys_n else float(not gold_n)
        r = tp / gold_n if gold_n else float(not sys_n)
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def total(self) -> tuple[float, float, float]:
        tp = sum(c[0] for c in self.counts.values())
        return self.prf(tp, sum(c[1] for c in self.counts.values()), sum(c[2] for c in self.counts.values()))


def score_events(
    gold_by_doc: dict[str, list[dict[str, Any]]],
    system: list[dict[str, Any]],
    aliases: dict[str, str],
    strict: bool = True,
) -> Score:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in system:
        by_doc[str(event.get("doc"))].append(event)
    result = Score()
    ok = _compatible(aliases, strict)
    for doc in sorted(gold_by_doc):
        gold, sys_events = gold_by_doc[doc], by_doc.get(doc, [])
        pairs = _matching(gold, sys_events, ok)
        optional = {s for g, s in pairs.items() if gold[g].get("optional")}
        for i, g in enumerate(gold):
            if g.get("optional"):
                continue
            result.counts[g["type"]][2] += 1
            if i in pairs:
                result.counts[g["type"]][0] += 1
            else:
                result.errors.append(f"missed  {doc}: {json.dumps(g, ensure_ascii=False)}")
        matched = set(pairs.values())
        for j, s in enumerate(sys_events):
            if j in optional:
                continue
            result.counts[str(s.get("type"))][1] += 1
            if j not in matched:
                result.errors.append(f"extra   {doc}: {json.dumps(s, ensure_ascii=False)}")
    return result
