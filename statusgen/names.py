"""Forgiving names: what an author types for a service, an area or a state ("Fiber internet", "Major outage") matched
to its id, case and spacing ignored; and, for what matches nothing, the valid ids with the closest first."""
from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Iterable

CLOSE = 0.6  # difflib's ratio above which a value counts as a likely typo ("fone" for "phone": 0.67; "north" for
#               "south" is 0.6 and does not count)
LISTED = 20  # ids listed in a message at most: a catalog may hold hundreds


def key(text: str) -> str:
    """What two spellings of one thing share: letters and digits, lower case, accents dropped
    (`Fiber  internet`, `fiber-internet` and `FIBER_INTERNET` all give `fiberinternet`)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


def match(text: str, entries: Iterable[tuple[str, str]]) -> list[str]:
    """The ids among `entries` (id, name) that `text` names: its id or its name, case and spacing ignored. More
    than one when it is ambiguous (an area named like another's id)."""
    entries = list(entries)  # read twice below: a generator would give nothing the second time
    wanted = key(text)
    found = [text] if any(ident == text for ident, _ in entries) else []  # an id may have a name per language
    return found or list(dict.fromkeys(ident for ident, name in entries if wanted and wanted in (key(ident), key(name))))


def closest_first(text: str, entries: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(the likely meant ids, best first; every id with those first, the rest in their own order)."""
    entries = list(entries)
    wanted = key(text)
    scores = {}
    for ident, name in entries:
        score = max(_likeness(wanted, key(other)) for other in {ident, name})
        if score > CLOSE:
            scores[ident] = max(score, scores.get(ident, 0))
    close = sorted(scores, key=lambda ident: -scores[ident])  # stable: ties keep their own order
    # an id named in several languages is one entry per name: each id is listed once
    return close, close + list(dict.fromkeys(ident for ident, _ in entries if ident not in scores))


def expected(text: str, entries: Iterable[tuple[str, str]] | Iterable[str], most: int = LISTED) -> str:
    """What an "unknown" message says it expected: `did you mean phone? expected one of phone, tv`, the ids
    with the closest to `text` first (the first `most` of them); without a close one, just the list."""
    pairs = [(e, e) if isinstance(e, str) else e for e in entries]
    close, ordered = closest_first(text, pairs)
    listed = ", ".join(ordered[:most]) + (f" (and {len(ordered) - most} more)" if len(ordered) > most else "")
    if not ordered:
        return "expected one to choose from, but there are none"
    return (f"did you mean {close[0]}? " if close else "") + f"expected one of {listed}"


def _likeness(a: str, b: str) -> float:
    """difflib's ratio, with its cheap upper bounds first (as get_close_matches does): a site may hold thousands of
    incident ids to compare a mistyped one with."""
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() <= CLOSE or matcher.quick_ratio() <= CLOSE:
        return 0.0
    return matcher.ratio()
