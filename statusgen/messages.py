"""What an update says on a channel: an email (subject, plain text, HTML) and a chat line, from the same facts the
incident's page and the home page's card show, in the same words (headline.py, wording.py, status.py).

Each message has a key, the ledger's name for it (statusgen.notify): `update/<incident>/<n>` for the n-th update,
`remind/<incident>/<what>/<due>/<before|missed>` for a reminder to the team. The key is what makes a message sent
once per channel; the email's Message-ID is made from it, so a copy sent again has the same Message-ID.

Maintenance is told as its updates post it: announced (the first "scheduled"), updated (a later "scheduled", as
`statusgen maintenance ID --start ... --end ...` posts when the window moves: the model keeps only the window as it
is now, so the message cannot tell a move from other news and shows the window as it is), started (in_progress), verifying,
ended (completed), cancelled. A window starting or ending by the clock alone, with no update saying so, is not a
message: the page says "per schedule", but a message would tell customers something no one confirmed; the
reminders tell the team instead (a promised update falling due).

Nothing here asks the clock or reads a file: the caller gives the site, the time and the settings.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import cached_property, partial
from typing import Callable, NamedTuple

from . import i18n
from .headline import cells_words, clock, joined, service_names, where
from .i18n import N_, _, ngettext
from .markup import to_html
from .model import FINAL_STATES, Catalog, Incident, Site, Update
from .status import areas_hit, as_of_update, is_open, is_upcoming
from .urls import Urls, ticket_url
from .wording import STATUS, human, spoken_duration, state_words

# What a maintenance update's state means for the people it is sent to (the first "scheduled" announces it).
MAINTENANCE_EVENTS = {"scheduled": N_("updated"), "in_progress": N_("started"), "verifying": N_("verifying"),
                      "completed": N_("ended"), "cancelled": N_("cancelled")}
REPEATED = "(possibly repeated)"  # the mark of a message sent again after a run stopped before recording it
CHAT_BODY_LIMIT = 600  # characters of an update's text in a chat message: the page has the rest


@dataclass(frozen=True)
class Wording:
    """The settings messages read: where the site is, what it is called, what the footer says."""

    site_name: str
    site_url: str = ""  # absolute, without a trailing slash; links are relative to nothing without it
    urls: Urls = field(default_factory=Urls)
    ticket_url: str = ""  # STATUSGEN_TICKET_URL
    authority: str = "statusgen.invalid"  # the domain of Message-IDs and List-Id
    unsubscribe: str = ""  # how to stop receiving them (the footer)

    def link(self, incident: Incident, update: Update | None = None) -> str:
        path = self.urls.url("incident", incident.id) + (f"#update-{update.number}" if update else "")
        return f"{self.site_url}/{path}" if self.site_url else path

    @property
    def list_id(self) -> str:
        """RFC 2919: a phrase and a dotted label under a domain of the site's."""
        return f"{self.site_name} <notices.{self.authority}>"

    def footer(self) -> str:
        how = self.unsubscribe or _("reply to this message and ask to be taken off the list")
        return _("You receive this because you subscribed to notices from %(site)s. To stop receiving them, "
                 "%(how)s.") % {"site": self.site_name, "how": how}


class Rendered(NamedTuple):
    """What a message says."""

    subject: str
    text: str  # the email's plain text
    html: str  # the email's HTML part
    chat: str  # the short form, under the subject
    link: str


@dataclass(frozen=True)
class Message:
    """One thing to tell a channel. Its words are made when first asked for: a run plans over every update of the
    history (thousands) and sends a few."""

    key: str  # the ledger's name for it (see the module)
    kind: str  # incident | maintenance | reminder: what it is routed by (notify.Channel.wants)
    incident: Incident
    at: datetime  # when it became due: the update's time, or when the reminder falls due
    make: Callable[[], Rendered] = field(compare=False, repr=False)
    components: tuple[str, ...] = ()  # what it touches, for routing by component:<id> and area:<id>
    areas: tuple[str, ...] = ()
    authority: str = "statusgen.invalid"  # the domain of its Message-ID (Wording.authority)

    @cached_property
    def rendered(self) -> Rendered:
        return self.make()

    subject = property(lambda self: self.rendered.subject)
    text = property(lambda self: self.rendered.text)
    html = property(lambda self: self.rendered.html)
    chat = property(lambda self: self.rendered.chat)
    link = property(lambda self: self.rendered.link)

    def message_id(self, channel: str) -> str:
        """The email's Message-ID: the same whenever this message is sent to this channel again."""
        local = re.sub(r"[^A-Za-z0-9.-]+", ".", f"{self.key}.{channel}").strip(".")
        return f"<{local}@{self.authority}>"


def update_messages(site: Site, at: datetime, words: Wording) -> list[Message]:
    """A message for every update posted by `at` (the site as readers may see it then), oldest first."""
    out = []
    for incident in site.incidents:
        for update in incident.updates:
            if update.at <= at:
                out.append(update_message(site.catalog, incident, update, site.timezone, words))
    return sorted(out, key=lambda m: (m.at, m.key))


def latest_open(site: Site, at: datetime) -> set[str]:
    """The keys of the latest update of each incident open, and each maintenance open or upcoming, at `at`: what a
    channel new to the ledger is sent (never the whole history)."""
    keys = set()
    for incident in site.incidents:
        posted = incident.updates_until(at)
        if posted and (is_open(incident, at) or is_upcoming(incident, at)):
            keys.add(update_key(incident, posted[-1]))
    return keys


def update_key(incident: Incident, update: Update) -> str:
    return f"update/{incident.id}/{update.number}"


def event_words(incident: Incident, update: Update) -> str:
    """What the update does, in a word or two: the state ("identified"), or for maintenance the event."""
    if incident.is_maintenance:
        return _("announced") if update.number == 1 and update.state == "scheduled" else _(
            MAINTENANCE_EVENTS[update.state])
    return i18n.lowercase(state_words(update.state))


def what_and_where(catalog: Catalog, incident: Incident, update: Update) -> str:
    """'Phone down in Millbrook and Ashford' as the update left things (the home page's headline words, for this
    incident alone); once nothing is in trouble, the services it touched and where ('Phone in Millbrook')."""
    affected, _recovered = as_of_update(incident, update)
    if not incident.is_maintenance:
        cells = {(c, a): status for c, status in affected.items() for a in areas_hit(catalog, incident, c)}
        said = cells_words(catalog, cells)
        if said:
            return said
    touched = {c: "major_outage" for c in incident.all_components()}  # a rank for each: names in catalog order
    names = service_names(catalog, touched)
    names_text = joined(names) if len(names) <= 3 else ngettext("%(num)d service", "%(num)d services",
                                                                len(names)) % {"num": len(names)}
    sentence = _("Maintenance on %(services)s %(where)s") if incident.is_maintenance else _("%(services)s %(where)s")
    return sentence % {"services": names_text, "where": where(catalog, incident.areas)}


def update_message(catalog: Catalog, incident: Incident, update: Update, tz: tzinfo, words: Wording) -> Message:
    """The message telling `update` of `incident`, as it stood when posted."""
    kind = "maintenance" if incident.is_maintenance else "incident"
    return Message(key=update_key(incident, update), kind=kind, incident=incident, at=update.at,
                   make=partial(render_update, catalog, incident, update, tz, words),
                   components=incident.all_components(), areas=incident.areas, authority=words.authority)


def render_update(catalog: Catalog, incident: Incident, update: Update, tz: tzinfo, words: Wording) -> Rendered:
    """What the message of `update` says: the subject, the email's two parts, the chat form, the link."""
    subject = _("%(what)s: %(event)s") % {"what": what_and_where(catalog, incident, update),
                                          "event": event_words(incident, update)}
    facts = update_facts(catalog, incident, update, tz, words)
    link = words.link(incident, update)
    lines = [incident.title, f"{state_words(update.state)}, {human(update.at, tz)}", ""]
    lines += [_("%(label)s: %(value)s") % {"label": label, "value": value} for _key, label, value, _html in facts]
    lines += ["", update.body.strip(), "", _("Details: %(link)s") % {"link": link}, "", "-- ", words.footer()]
    text = "\n".join(lines) + "\n"
    rows = "".join(f"<dt>{html.escape(label)}</dt><dd>{value_html}</dd>" for _key, label, _text, value_html in facts)
    body_html = (f'<h1>{html.escape(incident.title)}</h1>\n<p>{html.escape(state_words(update.state))}, '
                 f'{html.escape(human(update.at, tz))}</p>\n<dl>{rows}</dl>\n{to_html(update.body)}\n'
                 f'<p><a href="{html.escape(link)}">{html.escape(_("Details on the status page"))}</a></p>\n'
                 f'<hr>\n<p><small>{html.escape(words.footer())}</small></p>\n')
    promised = [_("%(label)s: %(value)s") % {"label": label, "value": value} for key, label, value, _html in facts
                if key in ("Expected resolution", "Next update")]
    chat = "\n".join([incident.title, _clipped(update.body.strip()), *promised, link])
    return Rendered(subject, text, body_html, chat, link)


def update_facts(catalog: Catalog, incident: Incident, update: Update, tz: tzinfo,
                 words: Wording) -> list[tuple[str, str, str, str]]:
    """(key, label, text, HTML) of what the incident's card shows, as `update` left it: what is affected, where, since
    when (the window, for maintenance), the expected resolution, the next update promised, the ticket."""
    affected, recovered = as_of_update(incident, update)
    facts = []
    if affected:
        said = "; ".join(f"{catalog.component[c].name}: {_(STATUS[s].words)}" for c, s in sorted(affected.items()))
        facts.append(("Will affect" if update.state == "scheduled" else "Affected", said))
    if recovered:
        facts.append(("Recovered", ", ".join(catalog.component[c].name for c in recovered)))
    facts.append(("Where", ", ".join(catalog.area[a].name for a in incident.areas)))
    if incident.window:
        facts.append(("Window", _("%(start)s to %(end)s") % {"start": human(incident.window.start, tz),
                                                              "end": human(incident.window.end, tz)}))
    else:
        facts.append(("Since", human(incident.began, tz)))
    eta = incident.eta_after(update) if update.state not in FINAL_STATES else None
    if eta:
        facts.append(("Expected resolution", human(eta, tz)))
    if update.next_update and update.state not in FINAL_STATES:
        facts.append(("Next update", _("by %(time)s") % {"time": human(update.next_update, tz)}))
    # the key is the English label (what the chat form picks by), the label its words in the active language
    out = [(label, _(label), value, html.escape(value)) for label, value in facts]
    if incident.ticket:
        ticket = html.escape(incident.ticket)
        linked = (f'<a href="{html.escape(ticket_url(words.ticket_url, incident.ticket))}">{ticket}</a>'
                  if words.ticket_url else ticket)
        out.append(("Ticket", _("Ticket"), incident.ticket, linked))
    return out


def _clipped(text: str) -> str:
    return text if len(text) <= CHAT_BODY_LIMIT else text[:CHAT_BODY_LIMIT - 1].rstrip() + "…"


# --- reminders to the team ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Promise:
    """A promise standing at a time: a next update or an expected resolution, and when it falls due."""

    incident: Incident
    what: str  # "next" (update) or "eta"
    due: datetime
    since: Update  # the latest update posted


def standing_promises(site: Site, at: datetime) -> list[Promise]:
    """The promises of every open incident and maintenance as of `at`: the next update its latest update promised,
    and its expected resolution (as its incident card shows them). None for what is closed."""
    out = []
    for incident in site.incidents:
        posted = incident.updates_until(at)
        if not posted or not is_open(incident, at):
            continue
        last = posted[-1]
        if last.next_update:
            out.append(Promise(incident, "next", last.next_update, last))
        eta = incident.eta_after(last)
        if eta and not incident.is_maintenance:
            out.append(Promise(incident, "eta", eta, last))
    return out


def reminders(site: Site, at: datetime, warning: timedelta, words: Wording) -> list[Message]:
    """For each standing promise: a reminder once `at` is within `warning` of its time, and another once it has
    passed with no update since (the ledger sends each once)."""
    out = []
    for promise in standing_promises(site, at):
        if at >= promise.due:
            out.append(reminder(promise, "missed", promise.due, at, site.timezone, words))
        elif at >= promise.due - warning:
            out.append(reminder(promise, "before", promise.due - warning, at, site.timezone, words))
    return out


def reminder(promise: Promise, which: str, falls_due: datetime, at: datetime, tz: tzinfo, words: Wording) -> Message:
    """"Next update for 'Calls fail in Millbrook' promised by 16:00 CST: 10 minutes left", or "...: missed, nothing
    posted since 15:30 CST"."""
    incident, due = promise.incident, promise.due
    when = clock(due, at, tz)
    title = str(incident.title)  # the team's words: the site's default language, as the messages are
    if which == "before":
        subject = (_("Next update for '%(title)s' promised by %(time)s: %(left)s left") if promise.what == "next"
                   else _("Expected resolution of '%(title)s' given as %(time)s: %(left)s left")) % {
            "title": title, "time": when, "left": spoken_duration(due - at)}
    elif promise.what == "next":
        subject = _("Next update for '%(title)s' promised by %(time)s: missed, nothing posted since %(since)s") % {
            "title": title, "time": when, "since": clock(promise.since.at, at, tz)}
    else:
        subject = _("Expected resolution of '%(title)s' given as %(time)s: passed, and it is still open") % {
            "title": title, "time": when}
    link = words.link(incident)
    post = f"statusgen update {incident.id} --state {promise.since.state} -m \"...\" --next-update +30m"
    example = _("Post an update, for example:")
    text = f"{subject}\n\n{example}\n  {post}\n\n{link}\n"
    body_html = (f"<p>{html.escape(subject)}</p>\n<p>{html.escape(example)}</p>\n<pre>{html.escape(post)}</pre>\n"
                 f'<p><a href="{html.escape(link)}">{html.escape(title)}</a></p>\n')
    key = f"remind/{incident.id}/{promise.what}/{due.astimezone(tz).isoformat()}/{which}"
    said = Rendered(subject, text, body_html, f"{subject}\n{link}", link)
    return Message(key=key, kind="reminder", incident=incident, at=falls_due, make=lambda: said,
                   components=incident.all_components(), areas=incident.areas, authority=words.authority)
