"""Missions named in an ``Infobox bilateral relations`` (``mission1``, ``mission2``, ...).

"Embassy of Northern Cyprus, Ankara" says that the mission exists: a ``mission_opened`` with no
date, owned by the state it names and hosted by the article's other party. The same mission
stated in prose merges with it (see :mod:`dyad.extract.merge`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dyad.extract.context import ArticleContext
from dyad.extract.missions import MISSION_NOUN, mission_kind
from dyad.extract.registry import register
from dyad.model import Event, Evidence

__all__ = ["infobox_missions"]

_KEY = re.compile(r"^mission\d*$", re.IGNORECASE)


@register("infobox_missions.v1", applies_to="document")
def infobox_missions(ctx: ArticleContext) -> Iterator[Event]:
    for key, value in ctx.doc.infobox.items():
        if not _KEY.match(key) or not (noun := MISSION_NOUN.search(value)):
            continue
        mentions = ctx.gazetteer.find(value)
        owners = [m.entity.name for m in mentions if m.entity.kind == "state" and m.form != "city"]
        cities = [(m.city or m.text, m.entity.name) for m in mentions if m.form == "city"]
        if not owners:
            continue
        owner = owners[0]
        host = ctx.other_party(owner)
        city = None
        if cities:
            city, city_state = cities[-1]
            host = host or city_state
        if not host or host == owner:
            continue
        start = ctx.doc.text.find(value.split(",")[0])
        evidence = Evidence(
            ctx.doc.doc_id, value, max(start, 0), max(start, 0) + len(value), ("Infobox",), "infobox"
        )
        roles = {"owner": owner, "host": host, "kind": mission_kind(noun.group(0))}
        if city:
            roles["city"] = city
        yield Event("mission_opened", roles, None, [evidence], extractor="infobox_missions.v1")
