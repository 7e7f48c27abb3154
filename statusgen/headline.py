"""The home page's headline: what is wrong and where, in plain words, from what is open at one time.

"Home phone down in Cedar Falls", "Trouble with Email and Voicemail in 5 areas", "Maintenance in Lake City until
05:00 CST", "All services operational". The overall indicator ("Partial system outage") comes second, smaller.

The rules, so that every site reads the same way:

- Services. Those in trouble now (degraded, partial or major outage in some area), the worst first, then in
  catalog order. A group all of whose services (two or more) are in trouble is named by the group ("Phone" for
  Home phone and Voicemail). Up to three names are joined with commas and "and"; beyond three the first three are
  named and the rest counted ("Home phone, Email, TV and 2 more services"): a headline always names what is down.
- Words. Each status has a plain word: a major outage is "down", a partial outage "partly down", degraded
  performance "degraded". When every named service has the same word it follows the names ("Home phone down");
  when they differ the sentence says "Trouble with" the names.
- Where. The areas where those services are in trouble, in catalog order: "everywhere" only when every area of a
  site with more than one is hit by every one of them offered there (never for the union of several towns'
  separate troubles); else up to three names joined; more are counted ("in 5 areas").
- Maintenance in progress names what is being worked on, its areas and when it is due to end (the latest end of
  those in progress), after a semicolon when there is trouble too. Work running past its planned end says so.
- Order of the open incidents below it: the one weighing most in the overall status first, then the one reaching
  the most areas, then the newest (worst_first).
- Nothing in trouble and no maintenance in progress: "All services operational" (an incident being monitored after
  every service recovered does not make the headline say otherwise; the list of open incidents below does).

Nothing here asks the clock: the snapshot carries its time.
"""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Iterable, Mapping, Sequence

from . import i18n
from .i18n import N_, _, ngettext
from .model import IMPACT_RANK, STATUS_RANK, Catalog, Incident, chronological, worst
from .status import Snapshot, impact_now
from .wording import clocks

ALL_WELL = N_("All services operational")
# The sentence for each trouble status when every service named has it, with the plain word for the status (a major
# outage is "down"...); maintenance is told apart, operational is no trouble. Whole sentences with placeholders, so
# that each language puts the words where its grammar wants them ("Telefon in Cedar Falls ausgefallen").
DOWN_WORDS = {"major_outage": N_("%(services)s down %(where)s"),
              "partial_outage": N_("%(services)s partly down %(where)s"),
              "degraded_performance": N_("%(services)s degraded %(where)s")}
MIXED = N_("Trouble with %(services)s %(where)s")  # services whose words differ
# Maintenance in progress: of services named or not, due to end or running past its end.
MAINTENANCE = {(True, True): N_("Maintenance of %(services)s %(where)s until %(time)s"),
               (False, True): N_("Maintenance %(where)s until %(time)s"),
               (True, False): N_("Maintenance of %(services)s %(where)s running past its planned end, %(time)s"),
               (False, False): N_("Maintenance %(where)s running past its planned end, %(time)s")}
# Languages whose second clause starts in lower case after the semicolon (German nouns keep their capital).
LOWER_AFTER_SEMICOLON = {"en", "fr", "es"}
MOST_NAMES = 3  # names listed at most; more are counted


def joined(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C' (in the active language: 'A, B et C')."""
    return i18n.joined(names)


def where(catalog: Catalog, areas: Iterable[str], everywhere: bool = True) -> str:
    """'in Cedar Falls', 'in Cedar Falls and Lake City', 'in 5 areas', 'everywhere' (when every area is hit and
    `everywhere`: each service named is in trouble in each area it is offered in)."""
    hit = set(areas)
    names = [i18n.words(a.name) for a in catalog.areas if a.id in hit]
    if len(names) == len(catalog.areas) > 1 and everywhere:
        return _("everywhere")
    if len(names) <= MOST_NAMES:
        return _("in %(places)s") % {"places": joined(names)}
    return ngettext("in %(num)d area", "in %(num)d areas", len(names)) % {"num": len(names)}


def service_names(catalog: Catalog, statuses: Mapping[str, str]) -> list[str]:
    """The names of the troubled services (id -> status), the worst first, then in catalog order; a whole group (of
    two or more) by its name, as bad as its worst."""
    named, done = [], set()
    for c in catalog.components:
        if c.id not in statuses or c.id in done:
            continue
        members = [m.id for m in catalog.components_in(c.group)] if c.group else [c.id]
        if c.group and len(members) > 1 and all(m in statuses for m in members):
            named.append((i18n.words(catalog.group[c.group].name), worst(statuses[m] for m in members)))
            done.update(members)
        else:
            named.append((i18n.words(c.name), statuses[c.id]))
            done.add(c.id)
    return [name for name, status in sorted(named, key=lambda n: STATUS_RANK[n[1]], reverse=True)]


def trouble_words(catalog: Catalog, now: Snapshot) -> str | None:
    """'Home phone down in Cedar Falls' for what is in trouble now, or None when nothing is."""
    return cells_words(catalog, now.cells)


def cells_words(catalog: Catalog, cells: Mapping[tuple[str, str], str]) -> str | None:
    """'Home phone down in Cedar Falls' for some (component, area) -> status cells (a snapshot's, or one
    incident's as an update left it: statusgen.messages), or None when none is in trouble."""
    statuses: dict[str, str] = {}
    areas: set[str] = set()
    for (component, area), status in cells.items():
        if status in DOWN_WORDS:
            statuses[component] = worst((statuses.get(component, "operational"), status))
            areas.add(area)
    if not statuses:
        return None
    sentences = {DOWN_WORDS[s] for s in statuses.values()}
    sentence = sentences.pop() if len(sentences) == 1 else MIXED
    # "everywhere" only where each of them is in trouble in every area it is offered in
    whole = all((c, a) in cells for c in statuses for a in catalog.component[c].areas)
    return _(sentence) % {"services": named(service_names(catalog, statuses)),
                          "where": where(catalog, areas, everywhere=whole)}


def named(names: Sequence[str]) -> str:
    """'A', 'A, B and C', 'A, B, C and 2 more services': the first MOST_NAMES named, the rest counted."""
    if len(names) <= MOST_NAMES:
        return joined(names)
    more = len(names) - MOST_NAMES
    return ngettext("%(names)s and %(num)d more service", "%(names)s and %(num)d more services", more) % {
        "names": ", ".join(names[:MOST_NAMES]), "num": more}


def maintenance_words(catalog: Catalog, now: Snapshot, tz: tzinfo) -> str | None:
    """'Maintenance of Home phone in Lake City until 05:00 CST' for the maintenance in progress, or None."""
    if not now.active_maintenance:
        return None
    areas = {a for item in now.active_maintenance for a in item.areas}
    worked_on = {c: "under_maintenance" for item in now.active_maintenance
                 for c, status in item.statuses_at(now.at).items() if status == "under_maintenance"}
    end = max(item.window.end for item in now.active_maintenance)
    sentence = _(MAINTENANCE[bool(worked_on), end > now.at])
    return sentence % {"services": named(service_names(catalog, worked_on)) if worked_on else "",
                       "where": where(catalog, areas), "time": clock(end, now.at, tz)}


def clock(moment: datetime, reference: datetime, tz: tzinfo) -> str:
    """'05:00 CST' on the reference's day, else 'Nov 23, 05:00 CST': always with the zone's name."""
    text = clocks(tz, reference, moment)[0]
    local = moment.astimezone(tz)
    zone = local.tzname() or local.strftime("UTC%z")
    return text if text.endswith(zone) else f"{text} {zone}"


def headline(catalog: Catalog, now: Snapshot, tz: tzinfo) -> str:
    """What is wrong and where, in plain words, as of the snapshot's time (see the module's rules)."""
    parts = [p for p in (trouble_words(catalog, now), maintenance_words(catalog, now, tz)) if p]
    if not parts:
        return _(ALL_WELL)
    lower = i18n.active() not in i18n.SHIPPED or i18n.active() in LOWER_AFTER_SEMICOLON
    return "; ".join([parts[0], *(p[0].lower() + p[1:] if lower else p for p in parts[1:])])


def worst_first(incidents: Iterable[Incident], at: datetime) -> list[Incident]:
    """Open incidents with the one weighing most in the overall status now first, then the one reaching the most
    areas (the widest customer impact), then the newest first."""
    newest = sorted(incidents, key=chronological, reverse=True)
    return sorted(newest, key=lambda i: (IMPACT_RANK[impact_now(i, at)], len(i.areas)), reverse=True)
