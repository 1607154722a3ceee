"""The gazetteer: states and international organisations, their names, codes and cities.

The data lives in ``dyad/data/*.json`` (see ``docs/entities.md``): ``states.json`` holds what
pycountry lacks (canonical short names, aliases, adjectives, Wikidata, COW and GW numbers,
status, capital, years); ISO codes and ISO names are merged in from pycountry at load time.
``organizations.json`` and ``cities.json`` hold organisations and cities; ``forms.json`` the
names that fit several entities and the names of places that merely contain a state's name.

Three ways in:

- :meth:`Gazetteer.get` looks one name up exactly (after folding case, diacritics, dashes,
  apostrophes, white space and a leading "the"): canonical name, official name, alias,
  adjective, Wikidata id, ISO 3166-1 code or COW abbreviation. Codes and acronyms ("RUS",
  "US", "PACE") must be written in capitals, so that "Li" or "Pace" in a sentence is not
  Liechtenstein or the Parliamentary Assembly.
- :meth:`Gazetteer.resolve` is :meth:`~Gazetteer.get` for user input: codes in any case, and an
  :class:`~dyad.errors.UnknownEntityError` with suggestions, or an
  :class:`~dyad.errors.AmbiguousEntityError`, instead of ``None``.
- :meth:`Gazetteer.find` finds every mention in running text with one compiled regular
  expression: a trie of all surface forms, so the longest form wins at each position and
  "Papua New Guinea" is never "Guinea".

Policy decisions, all visible in the data: "Congo" alone is the Republic of the Congo (its
ISO 3166 and UN short name); "Korea", "Korean" and "Congolese" are ambiguous (no mention);
"Georgia" is the state; "Dominican" is the Dominican Republic; cities map to the state that
holds them de facto (Sukhumi is in Abkhazia), except East Jerusalem, which maps to Palestine.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import pycountry

from dyad.errors import AmbiguousEntityError, ConfigError, UnknownEntityError

__all__ = ["FORMS", "KINDS", "STATUSES", "Entity", "Gazetteer", "Mention", "fold_name", "load_gazetteer"]

KINDS = ("state", "organization")
STATUSES = ("un_member", "un_observer", "limited_recognition", "historical")
FORMS = ("name", "adjective", "code", "city")


@dataclass(frozen=True, slots=True)
class Entity:
    """A state or an international organisation.

    ``adjectives`` holds demonyms and adjectives ("Abkhaz", "Abkhazian"). ``status`` is one of
    :data:`STATUSES` for states and ``None`` for organisations; ``parent`` names the body an
    organ belongs to ("United Nations Security Council" -> "United Nations").
    """

    name: str
    kind: str
    official_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    iso2: str | None = None
    iso3: str | None = None
    iso_numeric: str | None = None
    wikidata: str | None = None
    cow: int | None = None
    cow_abbr: str | None = None
    gw: int | None = None
    status: str | None = None
    capital: str | None = None
    start: int | None = None
    end: int | None = None
    parent: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical name, official names and aliases (adjectives and codes excluded)."""
        return (self.name, *self.official_names, *self.aliases)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text naming an entity.

    ``form`` is one of :data:`FORMS`. For a city (``form == "city"``) ``entity`` is the state the
    city is in and ``city`` the city's canonical name. A possessive is not part of the span:
    in "Abkhazia's", the mention is "Abkhazia".
    """

    start: int
    end: int
    text: str
    entity: Entity
    form: str
    city: str | None = None


# --------------------------------------------------------------------------- folding

_DASHES = "-‐‑‒–—―−"
_APOSTROPHES = "'’‘ʼʻ`´"
_DASH_RUN = re.compile(rf"\s*[{_DASHES}]\s*")
_APOS = re.compile(f"[{_APOSTROPHES}]")
_SPACE = re.compile(r"\s+")
_QID = re.compile(r"^Q[1-9][0-9]*$")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _shape(text: str) -> str:
    """Unify dashes (and the spaces around them), apostrophes and white space; keep case and marks."""
    text = _DASH_RUN.sub("-", text.strip())
    return _SPACE.sub(" ", _APOS.sub("'", text))


def fold_name(text: str) -> str:
    """The key names are compared by: case, diacritics, dashes, apostrophes, spaces, leading "the" folded.

    >>> fold_name("  The Republic of South Ossetia – the State of Alania")
    'republic of south ossetia-the state of alania'
    """
    key = _shape(_strip_marks(text)).casefold()
    return key[4:] if key.startswith("the ") else key


def _exact_key(text: str) -> str:
    """The key codes and acronyms are compared by: like :func:`fold_name` but case-sensitive."""
    key = _shape(_strip_marks(text))
    return key[4:] if key[:4] in ("the ", "The ") else key


def _is_acronym(form: str) -> bool:
    """Whether a form is written in capitals ("US", "U.S.", "CIS-2", "G7"): looked up case-sensitively."""
    return not any(c.islower() for c in form) and any(c.isupper() for c in form)


# --------------------------------------------------------------------------- lookup tiers

# Lower is better; a name beats a code ("AU" is the African Union, Australia is "AUS").
_T_NAME, _T_OFFICIAL, _T_ALIAS, _T_QID, _T_ISO3, _T_ISO2, _T_COW, _T_ADJECTIVE = range(8)
_T_AMBIGUOUS = _T_ALIAS  # a declared ambiguous name competes with aliases

# find(): which form wins when one surface form has several meanings (lower wins).
_FORM_RANK = {"name": 0, "adjective": 1, "code": 2, "city": 3}


@dataclass(frozen=True, slots=True)
class _Target:
    """What a surface form in running text stands for; ``entity is None`` means "no mention"."""

    entity: Entity | None
    form: str
    city: str | None = None


@dataclass
class _TrieNode:
    children: dict[str, _TrieNode] = field(default_factory=dict)
    terminal: bool = False


# Tokens of a surface form in the find() pattern: a space matches any white space, a dash any
# dash with optional spaces around it, an apostrophe any apostrophe-like character.
_TOKEN_RE = {" ": r"\s+", "-": rf"\s*[{_DASHES}]\s*", "'": f"[{_APOSTROPHES}]"}


def _trie_pattern(node: _TrieNode) -> str:
    branches = [
        (_TOKEN_RE.get(tok) or re.escape(tok)) + _trie_pattern(child)
        for tok, child in sorted(node.children.items())
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if node.terminal:
        return "(?:" + body + ")?"
    return body


def _plural(adjective: str) -> str | None:
    """The plural of a demonym ("Russians", "Czechs"), or None where "s" is wrong ("Swiss", "Chinese")."""
    if adjective.endswith(("s", "sh", "tch", "nch", "ese", "x", "z", "y")) or not adjective[-1].isalpha():
        return None
    return adjective + "s"


# --------------------------------------------------------------------------- the gazetteer


class Gazetteer:
    """States, organisations and cities, indexed for lookup and for finding mentions in text.

    Build it with :func:`load_gazetteer` (cached); the constructor takes the parsed data files.
    """

    def __init__(
        self,
        states: Iterable[dict[str, Any]],
        organizations: Iterable[dict[str, Any]],
        cities: Iterable[dict[str, Any]] = (),
        ambiguous: dict[str, list[str]] | None = None,
        not_entities: Iterable[str] = (),
    ) -> None:
        self._no_find: set[str] = set()  # spellings find() must not match (pycountry's "Korea, Republic of")
        self._states = [self._state(rec) for rec in states]
        self._organizations = [self._organization(rec) for rec in organizations]
        self._by_name: dict[str, Entity] = {}
        for ent in (*self._states, *self._organizations):
            if ent.name in self._by_name:
                raise ConfigError(f"gazetteer data: two entities are named {ent.name!r}")
            self._by_name[ent.name] = ent
        self._folded: dict[str, list[tuple[int, Entity]]] = defaultdict(list)
        self._exact: dict[str, list[tuple[int, Entity]]] = defaultdict(list)
        self._ambiguous: dict[str, list[Entity]] = {}
        self._cities: dict[str, list[tuple[str, Entity]]] = defaultdict(list)
        self._city_forms: list[tuple[str, str, Entity]] = []
        self._index_entities()
        for name, candidates in (ambiguous or {}).items():
            self._ambiguous[fold_name(name)] = [self._entity_named(c) for c in candidates]
        for rec in cities:
            self._index_city(rec)
        self._suggest_keys: dict[str, str] = {}
        for ent in (*self._states, *self._organizations):
            for form in (*ent.names, *ent.adjectives):
                if not _QID.match(form) and not _is_acronym(form):
                    self._suggest_keys.setdefault(fold_name(form), ent.name)
        self._surface: dict[str, _Target] = {}
        self.collisions: dict[str, list[str]] = {}  # surface forms with two meanings at the same rank
        self._build_surface(ambiguous or {}, not_entities)
        self._pattern = self._compile()

    # ------------------------------------------------------------------ loading

    def _state(self, rec: dict[str, Any]) -> Entity:
        status = rec.get("status")
        if status not in STATUSES:
            raise ConfigError(f"gazetteer data: {rec.get('name')!r} has an unknown status {status!r}")
        iso2, iso3, numeric = rec.get("iso2"), rec.get("iso3"), rec.get("iso_numeric")
        official = list(rec.get("official_names", []))
        aliases = list(rec.get("aliases", []))
        country = _pycountry_record(iso2, iso3)
        if country is not None:
            historic = hasattr(country, "withdrawal_date")
            iso2 = iso2 or country.alpha_2
            iso3 = iso3 or country.alpha_3
            numeric = numeric or getattr(country, "numeric", None)
            if not historic and rec.get("pycountry_names", True):
                if getattr(country, "official_name", None):
                    official.append(_drop_article(country.official_name))
                for attr in ("name", "common_name"):
                    value = getattr(country, attr, None)
                    if value:
                        aliases.append(value)
                        if "," in value or "(" in value:
                            self._no_find.add(value)  # "Korea, Republic of": for lookup only
        return Entity(
            name=rec["name"],
            kind="state",
            official_names=_unique(official, exclude=[rec["name"]]),
            aliases=_unique(aliases, exclude=[rec["name"], *official]),
            adjectives=_unique(rec.get("adjectives", [])),
            iso2=iso2,
            iso3=iso3,
            iso_numeric=numeric,
            wikidata=rec.get("wikidata"),
            cow=rec.get("cow"),
            cow_abbr=rec.get("cow_abbr"),
            gw=rec.get("gw"),
            status=status,
            capital=rec.get("capital"),
            start=rec.get("start"),
            end=rec.get("end"),
        )

    def _organization(self, rec: dict[str, Any]) -> Entity:
        official = list(rec.get("official_names", []))
        return Entity(
            name=rec["name"],
            kind="organization",
            official_names=_unique(official, exclude=[rec["name"]]),
            aliases=_unique(rec.get("aliases", []), exclude=[rec["name"], *official]),
            adjectives=_unique(rec.get("adjectives", [])),
            wikidata=rec.get("wikidata"),
            start=rec.get("start"),
            end=rec.get("end"),
            parent=rec.get("parent"),
        )

    def _entity_named(self, name: str) -> Entity:
        try:
            return self._by_name[name]
        except KeyError:
            raise ConfigError(f"gazetteer data: no entity is named {name!r}") from None

    # ------------------------------------------------------------------ indexes

    def _add_key(self, form: str, tier: int, ent: Entity) -> None:
        if _QID.match(form):
            self._folded[form.casefold()].append((_T_QID, ent))
        elif _is_acronym(form):
            self._exact[_exact_key(form)].append((tier, ent))
        else:
            self._folded[fold_name(form)].append((tier, ent))

    def _index_entities(self) -> None:
        for ent in (*self._states, *self._organizations):
            self._add_key(ent.name, _T_NAME, ent)
            for form in ent.official_names:
                self._add_key(form, _T_OFFICIAL, ent)
            for form in ent.aliases:
                self._add_key(form, _T_ALIAS, ent)
            for form in ent.adjectives:
                self._add_key(form, _T_ADJECTIVE, ent)
            if ent.wikidata:
                self._add_key(ent.wikidata, _T_QID, ent)
            for code, tier in ((ent.iso3, _T_ISO3), (ent.iso2, _T_ISO2), (ent.cow_abbr, _T_COW)):
                if code:
                    self._exact[code].append((tier, ent))

    def _index_city(self, rec: dict[str, Any]) -> None:
        state = self._entity_named(rec["state"])
        name = rec["name"]
        for form in (name, *rec.get("aliases", [])):
            key = fold_name(form)
            if (name, state) not in self._cities[key]:
                self._cities[key].append((name, state))
            for variant in _variants(form):
                if variant not in rec.get("no_find", []):
                    self._city_forms.append((variant, name, state))

    # ------------------------------------------------------------------ lookup

    def _candidates(self, name: str, lenient: bool) -> list[tuple[int, Entity]]:
        found = list(self._folded.get(fold_name(name), ()))
        found += self._exact.get(_exact_key(name), ())
        if lenient and not found:
            wanted = _exact_key(name).upper()
            found = [hit for key, hits in self._exact.items() if key.upper() == wanted for hit in hits]
        return found

    def _lookup(self, name: str, lenient: bool = False) -> Entity | list[Entity] | None:
        """One entity, the candidates when the name is ambiguous, or None."""
        if not name or not name.strip():
            return None
        found = self._candidates(name, lenient)
        declared = self._ambiguous.get(fold_name(name))
        best = min((tier for tier, _ in found), default=None)
        if declared and (best is None or best >= _T_AMBIGUOUS):
            return list(declared)
        if best is None:
            return None
        top = list(dict.fromkeys(ent for tier, ent in found if tier == best))
        if len(top) > 1:  # a historical state yields to its successor ("RUS": Russia, not the Soviet Union)
            current = [ent for ent in top if ent.status != "historical"]
            top = current or top
        return top[0] if len(top) == 1 else top

    def get(self, name: str) -> Entity | None:
        """The entity a name, alias, adjective or code stands for; ``None`` if unknown or ambiguous."""
        found = self._lookup(name)
        return found if isinstance(found, Entity) else None

    def resolve(self, name: str) -> Entity:
        """Like :meth:`get`, for user input: codes in any case; raise instead of returning ``None``.

        Raises :class:`~dyad.errors.UnknownEntityError` (with up to three suggestions) or
        :class:`~dyad.errors.AmbiguousEntityError`.
        """
        found = self._lookup(name, lenient=True)
        if isinstance(found, Entity):
            return found
        if found:
            raise AmbiguousEntityError(name, [ent.name for ent in found])
        raise UnknownEntityError(name, self.suggest(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Up to ``n`` canonical names that look like ``name`` (for "did you mean ...?")."""
        close = difflib.get_close_matches(fold_name(name), list(self._suggest_keys), n=10 * n, cutoff=0.6)
        return list(dict.fromkeys(self._suggest_keys[key] for key in close))[:n]

    def city(self, name: str) -> tuple[str, Entity] | None:
        """The canonical name of a city and the state it is in, or ``None`` (unknown or ambiguous)."""
        found = self._cities.get(fold_name(name), [])
        return found[0] if len(found) == 1 else None

    def cities(self) -> list[tuple[str, Entity]]:
        """Every city as (canonical name, state), sorted by state and city."""
        pairs = {pair for found in self._cities.values() for pair in found}
        return sorted(pairs, key=lambda p: (p[1].name, p[0]))

    def states(self) -> list[Entity]:
        """Every state, historical ones included, sorted by name."""
        return sorted(self._states, key=lambda e: e.name)

    def organizations(self) -> list[Entity]:
        """Every organisation, sorted by name."""
        return sorted(self._organizations, key=lambda e: e.name)

    def __iter__(self) -> Iterator[Entity]:
        yield from self.states()
        yield from self.organizations()

    def __len__(self) -> int:
        return len(self._states) + len(self._organizations)

    # ------------------------------------------------------------------ find

    def _build_surface(self, ambiguous: dict[str, list[str]], not_entities: Iterable[str]) -> None:
        proposals: dict[str, list[_Target]] = defaultdict(list)

        def propose(form: str, target: _Target, expand: bool = True) -> None:
            if form in self._no_find:
                return
            for variant in _variants(form) if expand else [form]:
                if len(variant) > 1 and (variant[0].isupper() or variant[0].isdigit()):
                    proposals[_shape(variant)].append(target)

        for ent in (*self._states, *self._organizations):
            for form in ent.names:
                propose(form, _Target(ent, "code" if _QID.match(form) else "name"))
            for form in ent.adjectives:
                propose(form, _Target(ent, "adjective"))
                if plural := _plural(form):
                    propose(plural, _Target(ent, "adjective"))
            if ent.wikidata:
                propose(ent.wikidata, _Target(ent, "code"))
        for variant, city, state in self._city_forms:
            propose(variant, _Target(state, "city", city), expand=False)
        for form, targets in proposals.items():
            best = min(_FORM_RANK[t.form] for t in targets)
            winners = {t for t in targets if _FORM_RANK[t.form] == best}
            entities = {t.entity for t in winners}
            if len(entities) > 1:
                self.collisions[form] = sorted(e.name for e in entities if e is not None)
                self._surface[form] = _Target(None, "name")
            else:
                self._surface[form] = min(winners, key=lambda t: t.city or "")
        # Deliberate declarations win over the entity tables.
        for form in (*ambiguous, *not_entities):
            for variant in _variants(form):
                self._surface[_shape(variant)] = _Target(None, "name")

    def _compile(self) -> re.Pattern[str]:
        root = _TrieNode()
        for form in self._surface:
            node = root
            for tok in form:
                node = node.children.setdefault(tok, _TrieNode())
            node.terminal = True
        return re.compile(r"(?<!\w)" + _trie_pattern(root) + r"(?!\w)")

    def find(self, text: str) -> list[Mention]:
        """Every mention of a state, organisation or city in ``text``, in order, never overlapping.

        At each position the longest known form wins; names are case-sensitive (capitalised),
        and ISO codes are not looked for (too many false hits), though "US" and "UN" are names.
        """
        mentions = []
        for m in self._pattern.finditer(text):
            target = self._surface.get(_shape(m.group()))
            if target is not None and target.entity is not None:
                mentions.append(
                    Mention(m.start(), m.end(), m.group(), target.entity, target.form, target.city)
                )
        return mentions


# --------------------------------------------------------------------------- helpers


def _drop_article(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


def _unique(forms: Iterable[str], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """Forms in order, without repeats (folded) and without those in ``exclude``."""
    seen = {fold_name(x) if not _is_acronym(x) else x for x in exclude}
    out = []
    for form in forms:
        key = fold_name(form) if not _is_acronym(form) else form
        if key not in seen:
            seen.add(key)
            out.append(form)
    return tuple(out)


def _variants(form: str) -> list[str]:
    """A form as written, without a leading "the", and without diacritics ("Côte d'Ivoire")."""
    base = _drop_article(form.strip())
    out = [base]
    plain = _strip_marks(base)
    if plain != base:
        out.append(plain)
    return out


def _pycountry_record(iso2: str | None, iso3: str | None) -> Any:
    """pycountry's record for an ISO code, current countries first, then ISO 3166-3 (withdrawn) ones."""
    for db in (pycountry.countries, pycountry.historic_countries):
        try:
            found = (db.get(alpha_3=iso3) if iso3 else None) or (db.get(alpha_2=iso2) if iso2 else None)
        except LookupError:
            found = None
        if found is not None:
            return found
    return None


def _read(name: str) -> dict[str, Any]:
    path = resources.files("dyad").joinpath("data").joinpath(name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read gazetteer data {name}: {error}", "reinstall dyad") from None


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer built from the packaged data files (built once, then cached)."""
    forms = _read("forms.json")
    return Gazetteer(
        _read("states.json")["states"],
        _read("organizations.json")["organizations"],
        _read("cities.json")["cities"],
        ambiguous=forms.get("ambiguous", {}),
        not_entities=forms.get("not_entities", []),
    )
