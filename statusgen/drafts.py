"""Posts from elsewhere: monitoring payloads -> draft incidents, and GitHub issues made with the status page's
forms (forms.py) and `/update` or `/resolve` comments in them -> posts. Every file is written through the same
edit.py functions as `statusgen new`, `update` and `resolve`, and checked as `statusgen check` checks it.

Alerts: what Alertmanager, Grafana and Uptime Kuma send is read as alerts, mapped to services and areas by the
site's `content/alerts.yml`, and written as an incident file a person publishes. A draft is an ordinary incident
file that is not yet on the published branch: the workflow `init` writes puts it on a branch of its own and opens
a pull request, and merging it publishes it. (DESIGN.md names no draft marker in the files, and a key that kept a
file off the page would make that merge publish nothing.) Nothing here publishes anything, and a resolved alert
never resolves an incident: it gives a comment for the pull request instead. Every alert is keyed by what the tool
itself uses to tell one alert from another (Alertmanager's and Grafana's `fingerprint`, Uptime Kuma's monitor id),
and the key is written in the draft as a YAML comment, so the same alert twice finds the draft it already made.

Issues: the incident opened from an issue carries the issue's number as a comment (`# issue: 12`), which is how
the comments in that issue find it. Only authors with write access post (the workflow asks GitHub's API).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path

import yaml

from . import names
from .errors import Problems, Refusal
from .load import CATALOG_FILE, incident_files
from .model import Catalog
from .source import Document, Field, Invalid, got, scalar

ALERTS_FILE = "alerts.yml"  # in content/, beside the catalog
SOURCES = ("alertmanager", "grafana", "uptime-kuma")
_NAMES = {"alertmanager": "Alertmanager", "grafana": "Grafana", "uptime-kuma": "Uptime Kuma"}
KEY_COMMENT = re.compile(r"^# alert: (?P<source>[a-z-]+) (?P<key>[A-Za-z0-9_.-]+)[ \t]*\r?$", re.M)
DRAFT_STATUSES = ("degraded_performance", "partial_outage", "major_outage")


# --- alerts, whichever tool sent them ------------------------------------------------------------------------

@dataclass(frozen=True)
class Alert:
    """One alert as every tool's payload gives it: labels to match, whether it fires, since when, its key."""

    labels: dict[str, str]
    firing: bool
    starts: datetime
    key: str
    name: str  # what the tool calls it: the alertname, or the monitor's name


def _payload_error(path: Path, message: str, line: int = 1) -> Refusal:
    return Refusal(f"{path}:{line}: {message}")


def _time(value, what: str) -> datetime:
    """An RFC 3339 time as Alertmanager and Grafana write it (nanoseconds allowed), in UTC to the second."""
    text = str(value)
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?", text)
    if not match:
        raise ValueError(f"{what}: not a time (expected RFC 3339 such as 2026-08-29T09:05:00Z, got {text!r})")
    moment = datetime.fromisoformat(match[1].replace(" ", "T") + ("+00:00" if match[3] in (None, "Z") else match[3]))
    return moment.astimezone(timezone.utc)


def _labels(value, what: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"{what}: wrong type (expected a mapping of labels, got {type(value).__name__})")
    return {str(k): str(v) for k, v in value.items()}


def _prometheus_alerts(payload: dict) -> list[Alert]:
    """Alertmanager's webhook (version 4) and Grafana's, which follows it: `alerts[]` with `labels`, `status`,
    `startsAt` and `fingerprint`."""
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise ValueError(f"alerts: missing or empty (expected a list of alerts, got {json.dumps(alerts)[:40]})")
    found = []
    for i, item in enumerate(alerts):
        where = f"alerts[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: wrong type (expected an alert, got {type(item).__name__})")
        labels = _labels(item.get("labels"), f"{where}.labels")
        status = item.get("status", payload.get("status"))
        if status not in ("firing", "resolved"):
            raise ValueError(f"{where}.status: unknown (expected firing or resolved, got {status!r})")
        key = str(item.get("fingerprint") or "")
        if not re.fullmatch(r"[A-Za-z0-9]{1,64}", key):
            raise ValueError(f"{where}.fingerprint: missing or not a fingerprint (expected hexadecimal, got {key!r})")
        found.append(Alert(labels, status == "firing", _time(item.get("startsAt"), f"{where}.startsAt"), key,
                           labels.get("alertname", key)))
    return found


def _uptime_kuma_alerts(payload: dict) -> list[Alert]:
    """Uptime Kuma's webhook: `{heartbeat, monitor, msg}`; heartbeat.status 0 is down, 1 up; `time` is UTC."""
    monitor, beat = payload.get("monitor"), payload.get("heartbeat")
    if not isinstance(monitor, dict) or not isinstance(beat, dict):
        raise ValueError("monitor, heartbeat: missing (expected Uptime Kuma's webhook with both, got "
                         f"{', '.join(sorted(payload)) or 'neither'}; a test notification has none)")
    name, ident = monitor.get("name"), monitor.get("id")
    if not isinstance(name, str) or not name.strip() or not isinstance(ident, int):
        raise ValueError(f"monitor: no name and id (expected both, got {name!r} and {ident!r})")
    if beat.get("status") not in (0, 1):
        raise ValueError(f"heartbeat.status: not down or up (expected 0 or 1, got {beat.get('status')!r})")
    return [Alert({"monitor": name}, beat["status"] == 0, _time(beat.get("time"), "heartbeat.time"),
                  f"monitor-{ident}", name)]


READERS = {"alertmanager": _prometheus_alerts, "grafana": _prometheus_alerts, "uptime-kuma": _uptime_kuma_alerts}


def read_alerts(source: str, path: Path) -> list[Alert]:
    """The alerts in a payload file; Refusal with `path:line: ...` when it is not the tool's webhook."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise _payload_error(path, f"unreadable ({err})") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as err:
        raise _payload_error(path, f"not JSON ({err.msg}, column {err.colno})", err.lineno) from None
    if not isinstance(payload, dict):
        raise _payload_error(path, f"wrong type (expected {_NAMES[source]}'s webhook object, got "
                                   f"{type(payload).__name__})")
    try:
        return READERS[source](payload)
    except ValueError as err:
        raise _payload_error(path, f"{err} ({_NAMES[source]} webhook)") from None


# --- the mapping: alert labels -> services and areas ---------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One entry of alerts.yml: the labels an alert must carry, and what it means for readers."""

    match: tuple[tuple[str, str], ...]
    services: tuple[str, ...]
    areas: tuple[str, ...]
    status: str

    def matches(self, alert: Alert) -> bool:
        return all(alert.labels.get(k) == v for k, v in self.match)


def _match(doc: Document, node: yaml.Node, where: str) -> tuple[tuple[str, str], ...]:
    pairs = doc.pairs(node)
    if not pairs:
        raise Invalid("empty (expected labels to match, e.g. {alertname: PhoneDown}, got an empty mapping)")
    return tuple((scalar(k, "a label name"), scalar(v, "a label value")) for k, v in pairs)


def _names(doc: Document, node: yaml.Node, where: str) -> tuple[tuple[str, int], ...]:
    return tuple((scalar(item, "a name or an id").strip(), doc.line(item)) for _, item in doc.items(node))


def _status(doc: Document, node: yaml.Node, where: str) -> str:
    value = scalar(node, "a status")
    if value not in DRAFT_STATUSES:
        raise Invalid(f"invalid status (expected one of {', '.join(DRAFT_STATUSES)}, got {got(node)})")
    return value


_RULE = {
    "match": Field(_match, "labels to match", required=True),
    "services": Field(_names, "a list of services (names or ids)", required=True),
    "areas": Field(_names, "a list of areas (names or ids)"),
    "status": Field(_status, "a status"),
}


def _lookup(items, given: str) -> str | None:
    """The id of the catalog item whose id or name is `given` (names.match: case and spacing ignored, as posting
    takes them), or None when none or several are."""
    found = names.match(given, [(item.id, item.name) for item in items])
    return found[0] if len(found) == 1 else None


def load_rules(path: Path, catalog: Catalog, problems: Problems, required: bool = True) -> list[Rule]:
    """The rules of alerts.yml, every problem reported at its line; a missing file is a problem if `required`."""
    if not path.is_file() and not required:
        return []
    if not path.is_file():
        problems.add(path, 1, f"missing alert mapping (expected the file {ALERTS_FILE} beside {CATALOG_FILE}, "
                              f"saying which alerts concern which services; see the README)")
        return []
    text = path.read_text(encoding="utf-8-sig")
    problems.file_lines(path, text)
    doc = Document(str(path), problems, name="alert mapping")
    root = doc.compose(text)
    if root is None:
        return []
    try:
        items = doc.items(root)
    except Invalid as err:
        doc.report(root, f"{ALERTS_FILE}: {err}")
        return []
    rules = []
    for i, item in items:
        fields = doc.fields(item, f"[{i}]", _RULE)
        if fields is None or not {"match", "services"} <= set(fields):
            continue
        ids = {}
        for key, choices in (("services", catalog.components), ("areas", catalog.areas)):
            ids[key] = []
            for given, line in fields.get(key, ()):
                found = _lookup(choices, given)
                if found is None:
                    known = ", ".join(c.id for c in choices)
                    problems.add(path, line, f"[{i}].{key}: unknown {key[:-1]} "
                                             f"(expected a name or an id of {known}, got {given!r})")
                else:
                    ids[key].append(found)
        rules.append(Rule(fields["match"], tuple(ids["services"]), tuple(ids["areas"]),
                          fields.get("status", "major_outage")))
    return rules


# --- the draft ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    """What a payload means for the page: an incident to open (firing) or a note for its draft (resolved)."""

    source: str
    key: str
    firing: bool
    alerts: tuple[Alert, ...]
    statuses: dict[str, str]  # component id -> status, in catalog order
    areas: tuple[str, ...]  # area ids, in catalog order; empty: every area of the services
    starts: datetime

    @property
    def branch(self) -> str:
        """The branch its pull request is made from: one per alert, so the same alert never opens two."""
        return f"statusgen/alert-{self.source}-{self.key}".lower()


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def draft(source: str, alerts: list[Alert], rules: list[Rule], catalog: Catalog, path: Path) -> Draft:
    """The draft for a payload's alerts; Refusal when no rule maps any of them to a service."""
    first = min(alerts, key=lambda a: (a.starts, a.key))  # the key: the alert that began it all
    statuses: dict[str, str] = {}
    areas: set[str] = set()
    every_area = False
    for alert in alerts:
        for rule in rules:
            if rule.matches(alert):
                for service in rule.services:
                    statuses[service] = max(statuses.get(service, rule.status), rule.status,
                                            key=DRAFT_STATUSES.index)
                areas.update(rule.areas)
                every_area = every_area or not rule.areas
    if not statuses:
        labels = "; ".join(", ".join(f"{k}={v}" for k, v in sorted(a.labels.items())) for a in alerts)
        raise Refusal(f"{path}: no service for this alert (expected a rule in content/{ALERTS_FILE} whose match "
                      f"fits the labels, got {labels[:300]})")
    ordered = {c.id: statuses[c.id] for c in catalog.components if c.id in statuses}
    shown_areas = () if every_area else tuple(a.id for a in catalog.areas if a.id in areas)
    return Draft(source, first.key, any(a.firing for a in alerts), tuple(alerts), ordered, shown_areas,
                 first.starts)


def headline(d: Draft, catalog: Catalog) -> str:
    """`Phone in Millbrook`: what is affected, where, in the catalog's names."""
    services = _joined([catalog.component[c].name for c in d.statuses])
    return services + (f" in {_joined([catalog.area[a].name for a in d.areas])}" if d.areas else "")


def title(d: Draft, catalog: Catalog) -> str:
    return f"Problem with {headline(d, catalog)}"


def message(d: Draft, catalog: Catalog) -> str:
    return f"We are investigating a problem with {headline(d, catalog)}. We will post an update soon."


def find_draft(content: Path, source: str, key: str) -> Path | None:
    """The incident file made from this alert before, if there is one."""
    for path in incident_files(content):
        head = path.read_text(encoding="utf-8-sig", errors="replace")[:2000]
        for found in KEY_COMMENT.finditer(head):
            if (found["source"], found["key"]) == (source, key):
                return path
    return None


def key_comment(d: Draft) -> str:
    return f"# alert: {d.source} {d.key}"


def pull_request_body(d: Draft, path: str, catalog: Catalog, tz: tzinfo, request: str = "pull request") -> str:
    """What the pull request (GitLab: `request` is "merge request") says: where the draft came from and how to
    publish it."""
    names = _joined(sorted({a.name for a in d.alerts}))
    since = d.starts.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    return (f"{_NAMES[d.source]} reports {names} firing since {since}.\n\n"
            f"This draft opens an incident on the status page: **{title(d, catalog)}**, in `{path}`.\n"
            f"Merge this {request} to publish it as it is, or edit the file first. Nothing is published "
            f"until it is merged.\n")


def resolved_comment(d: Draft, tz: tzinfo, request: str = "pull request") -> str:
    """The comment for the draft's pull request when the alert resolves: never a resolution by itself."""
    names = _joined(sorted({a.name for a in d.alerts}))
    return (f"{_NAMES[d.source]} reports {names} resolved.\n\n"
            f"Nothing on the status page was changed. If this incident was published, resolve it in words "
            f"readers understand (`statusgen resolve ID -m \"...\"`, or `/resolve` and the message in its issue); "
            f"if it was never needed, close this {request}.\n")


def write_draft(content: Path, d: Draft, catalog: Catalog, tz: tzinfo) -> tuple[Path, bool]:
    """Write the draft as an incident file through the same code as `statusgen new` (checked as `check` would);
    (its path, whether it was written now). The same alert again finds the file it made and leaves it as it is."""
    from . import edit  # edit reads the catalog and files; drafts.py stays importable without a site

    existing = find_draft(content, d.source, d.key)
    if existing is not None:
        return existing, False
    name = title(d, catalog)
    post = edit.Post(at=d.starts.astimezone(tz), state="investigating", body=message(d, catalog),
                     statuses=dict(d.statuses))
    path = edit.new_path(content, name, d.starts.astimezone(tz).date())
    text = edit.new_file(name, post, areas=d.areas, schema=edit.schema_link(content, path))
    head, rest = text.split("\n", 1)
    text = f"{head}\n{key_comment(d)}\n{rest}"  # the key, for the same alert's next payload
    edit.validate(path, text, content, tz, catalog.languages)
    edit.write(path, text)
    return path, True


@dataclass(frozen=True)
class Outcome:
    """What `statusgen draft` did: the draft, its file (None for a resolved alert with none), whether the file
    was written now, and the text for the pull request (its body, or a comment when the alert resolved)."""

    draft: Draft
    path: Path | None
    written: bool
    reply: str
    title: str


def from_payload(content: Path, source: str, payload: Path, tz: tzinfo,
                 languages: tuple[str, ...] = ("en",), request: str = "pull request") -> Outcome:
    """A payload file -> its draft incident written in `content` (firing), or the comment to post (resolved), for
    a pull `request` (GitLab: "merge request"). ContentError for a catalog or alerts.yml that does not pass;
    Refusal for a payload that does not."""
    from .load import load_catalog  # the same catalog check as everywhere

    problems = Problems()
    catalog = load_catalog(content / CATALOG_FILE, problems, languages=languages)
    rules = load_rules(content / ALERTS_FILE, catalog, problems) if catalog else []
    problems.raise_if_any()
    d = draft(source, read_alerts(source, payload), rules, catalog, payload)
    if not d.firing:
        return Outcome(d, find_draft(content, d.source, d.key), False, resolved_comment(d, tz, request),
                       title(d, catalog))
    path, written = write_draft(content, d, catalog, tz)
    shown_path = path.relative_to(content.parent).as_posix()
    return Outcome(d, path, written, pull_request_body(d, shown_path, catalog, tz, request), title(d, catalog))


def merge_request(outcome: Outcome, target: str) -> dict:
    """The body of GitLab's API request for a draft: the merge request to open into `target` (POST
    /projects/:id/merge_requests) when the alert fires, or the note for it (POST .../merge_requests/:iid/notes)
    when it resolves. The CI job sends it as it is, so no value from the payload passes through a shell."""
    if not outcome.draft.firing:
        return {"body": outcome.reply}
    return {"source_branch": outcome.draft.branch, "target_branch": target, "title": outcome.title,
            "description": outcome.reply, "remove_source_branch": True}


def check_site(site_folder: Path, content: Path, catalog: Catalog) -> None:
    """What `check` adds for posting from elsewhere: ContentError when the issue forms no longer match the catalog
    or content/alerts.yml (when there is one) names what the catalog lacks."""
    from . import forms

    problems = Problems()
    forms.check(site_folder, catalog, problems)
    load_rules(content / ALERTS_FILE, catalog, problems, required=False)
    problems.raise_if_any()


# --- from an issue on a phone: issue forms and comments -> posts ----------------------------------------------

WRITERS = ("admin", "maintain", "write")  # the permissions (GitHub's API) that may post
NO_RESPONSE = "_No response_"  # what GitHub writes for a field left empty
ISSUE_COMMENT = re.compile(r"^# issue: (?P<key>\d+)[ \t]*\r?$", re.M)
COMMANDS = re.compile(r"/(update|resolve)\b", re.IGNORECASE)
_CLOCK_ONLY = re.compile(r"(\d{1,2}):(\d{2})")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Reply:
    """What posting from an issue did: whether a file was written (and committed), which, and what to answer
    in the issue (empty: the issue or comment was not meant for the status page, so say nothing)."""

    posted: bool
    text: str
    path: Path | None = None


class NotPosted(Exception):
    """A form or comment that cannot be posted, with what is wrong in words (one item per line)."""


def _event_time(value, what: str) -> datetime:
    try:
        return _time(value, what).replace(second=0)
    except ValueError as err:
        raise NotPosted(str(err)) from None


def when(text: str, now: datetime, tz: tzinfo) -> datetime:
    """A time as typed in a form or comment: what `statusgen new` accepts, and `18:00` (the next 18:00)."""
    from . import edit

    clock = _CLOCK_ONLY.fullmatch(text.strip())
    if clock:
        local = now.astimezone(tz)
        text = f"{'today' if (int(clock[1]), int(clock[2])) > (local.hour, local.minute) else 'tomorrow'} {text}"
    try:
        return edit.when(text, now, tz)
    except Refusal as err:
        raise NotPosted(str(err)) from None


def _answer_time(label: str, text: str, now: datetime, tz: tzinfo) -> datetime:
    try:
        return when(text, now, tz)
    except NotPosted as err:
        raise NotPosted(f"{label}: {err}") from None


def form_sections(body: str, labels: list[str]) -> dict[str, str | None] | None:
    """The answers of an issue made from a form whose fields have `labels`, in order; None when the body is not
    that form's. The last field (the message) takes the rest of the body whole, whatever it holds; the fields
    before it are one line each."""
    body = "\n" + body.replace("\r\n", "\n")
    answers: dict[str, str | None] = {}
    position = 0
    for n, label in enumerate(labels):
        start = body.find(f"\n### {label}\n", position)
        if start < 0 or (n == 0 and body[:start].strip()):
            return None
        start += len(label) + 6
        end = len(body) if n + 1 == len(labels) else body.find(f"\n### {labels[n + 1]}\n", start)
        if end < 0:
            return None
        value = body[start:end].strip()
        answers[label] = None if value in ("", NO_RESPONSE) else value
        position = end
    return answers


def _catalog_ids(items, names: str, what: str) -> tuple[str, ...]:
    ids = []
    for name in (n.strip() for n in names.split(", ")):
        found = _lookup(items, name)
        if found is None:
            raise NotPosted(f"{what}: unknown (expected one of {', '.join(i.name for i in items)}, got {name!r})")
        ids.append(found)
    return tuple(ids)


def _form_post(kind: str, answers: dict, catalog: Catalog, now: datetime, tz: tzinfo):
    """(Post, areas, ticket, window) from a form's answers; NotPosted with every problem found."""
    from . import edit, forms

    problems = []

    def attempt(make, default=None):
        try:
            return make()
        except NotPosted as err:
            problems.append(str(err))
            return default

    areas = attempt(lambda: _catalog_ids(catalog.areas, answers[forms.AREAS], forms.AREAS)
                    if answers[forms.AREAS] else (), ())
    if kind == "incident":
        statuses = {}
        for c in catalog.components:
            chosen = answers[forms.status_label(c.name)]
            if chosen is not None and chosen not in forms.STATUS_CHOICES:
                problems.append(f"{forms.status_label(c.name)}: unknown (expected one of "
                                f"{', '.join(forms.STATUS_CHOICES)}, got {chosen!r})")
            elif forms.STATUS_CHOICES.get(chosen):
                statuses[c.id] = forms.STATUS_CHOICES[chosen]
        if not statuses and not problems:
            problems.append(f"no service affected (expected a status other than \"{forms.NOT_AFFECTED}\" for at "
                            f"least one service)")
        state = forms.STATE_CHOICES.get(answers[forms.STATE] or "Investigating")
        if state is None:
            problems.append(f"{forms.STATE}: unknown (expected one of {', '.join(forms.STATE_CHOICES)}, got "
                            f"{answers[forms.STATE]!r})")
        eta, next_update = (attempt(lambda k=k: _answer_time(k, answers[k], now, tz)) if answers[k] else None
                            for k in (forms.ETA, forms.NEXT))
        window, ticket = None, answers[forms.TICKET]
    else:
        statuses = {s: "under_maintenance" for s in attempt(
            lambda: _catalog_ids(catalog.components, answers[forms.SERVICES] or "", forms.SERVICES), ())}
        start, end = (attempt(lambda k=k: _answer_time(k, answers[k] or "", now, tz)) for k in (forms.START, forms.END))
        window, state, eta, next_update, ticket = (start, end), "scheduled", None, None, None
    if problems:
        raise NotPosted("\n".join(problems))
    post = edit.Post(at=now.astimezone(tz), state=state, body=answers[forms.MESSAGE] or "", statuses=statuses,
                     next_update=next_update, eta=eta)
    return post, areas, ticket, window


def open_from_form(content: Path, title: str, kind: str, answers: dict, number: int, catalog: Catalog,
                   now: datetime, tz: tzinfo) -> Path:
    """Write the incident or maintenance a form describes through the same code as `statusgen new` and
    `statusgen maintenance`, with the issue's number as a comment (comments in the issue update it)."""
    from . import edit

    post, areas, ticket, window = _form_post(kind, answers, catalog, now, tz)
    path = edit.new_path(content, title, post.at.date())
    text = edit.new_file(title, post, kind=kind, areas=areas, ticket=ticket, window=window,
                         schema=edit.schema_link(content, path))
    head, rest = text.split("\n", 1)
    text = f"{head}\n# issue: {number}\n{rest}"
    edit.validate(path, text, content, tz, catalog.languages)
    edit.write(path, text)
    return path


def find_issue_file(content: Path, number: int) -> Path | None:
    """The incident or maintenance file opened from issue `number`."""
    for path in incident_files(content):
        head = path.read_text(encoding="utf-8-sig", errors="replace")[:2000]
        if any(int(m["key"]) == number for m in ISSUE_COMMENT.finditer(head)):
            return path
    return None


def parse_command(text: str, now: datetime, tz: tzinfo):
    """`/update identified ETA 18:00 next 16:30 phone=partial_outage` and the message on the lines below (or
    `/resolve` and the message): (command, state, statuses, eta, next_update, message); None for a comment that
    is not a command."""
    text = text.replace("\r\n", "\n").strip()
    first, _, rest = text.partition("\n")
    command = COMMANDS.match(first)
    if command is None:
        return None
    words = first[command.end():].split()
    name = command[1].lower()
    if name == "resolve":
        message = " ".join(words + ([rest.strip()] if rest.strip() else []))
        return "resolve", None, {}, None, None, message.strip()
    state, statuses, times, key = None, {}, {"eta": [], "next": []}, None
    for word in words:
        if word.lower() in times:
            key = word.lower()
        elif "=" in word:
            service, _, status = word.partition("=")
            statuses[service] = status
            key = None
        elif key:
            times[key].append(word)
        elif state is None:
            state = word.lower()
        else:
            raise NotPosted(f"/update: {word!r} not understood (expected /update STATE [ETA TIME] [next TIME] "
                            f"[service=status]..., then the message on the next lines)")
    if state is None:
        raise NotPosted("/update: no state (expected e.g. /update identified, then the message on the next lines)")
    eta, next_update = (when(" ".join(times[k]), now, tz) if times[k] else None for k in ("eta", "next"))
    return "update", state, statuses, eta, next_update, rest.strip()


def _service_ids(statuses: dict[str, str], catalog: Catalog) -> dict[str, str]:
    result = {}
    for given, status in statuses.items():
        found = _lookup(catalog.components, given)
        if found is None:
            raise NotPosted(f"{given}={status}: unknown service (expected one of "
                            f"{', '.join(c.id for c in catalog.components)})")
        result[found] = status
    return result


def post_comment(path: Path, parsed, catalog: Catalog, now: datetime, tz: tzinfo, content: Path) -> str:
    """Append the update a comment command asks for, through the same code as `statusgen update` and
    `statusgen resolve`; the state posted."""
    from . import edit

    command, state, statuses, eta, next_update, message = parsed
    if not message:
        raise NotPosted(f"/{command}: no message (expected the words for readers on the lines below the command)")
    source = edit.Source.read(path)
    state = source.closing_state() if command == "resolve" else state
    post = edit.Post(at=now.astimezone(tz), state=state, body=message, statuses=_service_ids(statuses, catalog),
                     next_update=next_update, eta=eta)
    text = edit.append_update(source, post)
    edit.validate(path, text, content, tz, catalog.languages)
    edit.write(path, text)
    return state


def form_labels(kind: str, catalog: Catalog) -> list[str]:
    """The labels of a form's fields as GitHub writes them in the issue (markdown elements are left out)."""
    from . import forms

    made = forms.FORMS[kind](catalog)
    return [e["attributes"]["label"] for e in made["body"] if e["type"] != "markdown"]


def _problems_in_words(err) -> str:
    from .errors import ContentError

    if isinstance(err, ContentError):
        return "\n".join(f"- {p.message}" for p in err.problems)
    return "\n".join(f"- {line}" for line in str(err).splitlines())


def page_address(site_url: str, ident: str) -> str:
    return f"{site_url.rstrip('/')}/incidents/{ident}/" if site_url else f"`incidents/{ident}/`"


HOW_TO_UPDATE = ("To post an update, comment here with a first line such as `/update identified ETA 18:00 next 16:30`"
                 " (a state, then optionally `ETA`, `next` and `service=status`) and the message on the lines below; "
                 "`/resolve` and the message resolve it. Closing this issue changes nothing on the page.\n")


GITLAB_WRITER = 30  # GitLab's access level of a Developer: who may push, as GitHub's write


def gitlab_permission(member) -> str:
    """The author's permission in GitHub's words from GitLab's answer to GET /projects/:id/members/all/:user_id
    (`write` from Developer up; `none` for anything else, a 404 included)."""
    level = member.get("access_level") if isinstance(member, dict) else None
    if not isinstance(level, int) or isinstance(level, bool) or level <= 0:
        return "none"
    return "write" if level >= GITLAB_WRITER else "read"


def _gitlab_time(value) -> str:
    """GitLab writes `2015-05-17 17:06:40 UTC` in some webhooks and RFC 3339 in others."""
    text = str(value or "")
    return text[:-4] + "Z" if text.endswith(" UTC") else text


def from_gitlab_event(event: dict) -> dict:
    """A GitLab Issue Hook or Note Hook body (as a pipeline trigger's $TRIGGER_PAYLOAD holds it) -> the same event
    in GitHub's shape, which from_issue_event reads; {} for anything else (a comment on a merge request, say)."""
    attributes = event.get("object_attributes")
    attributes = attributes if isinstance(attributes, dict) else {}
    if event.get("object_kind") == "issue":
        return {"action": "opened" if attributes.get("action") == "open" else str(attributes.get("action")),
                "issue": {"number": attributes.get("iid"), "title": attributes.get("title"),
                          "body": attributes.get("description"),
                          "created_at": _gitlab_time(attributes.get("created_at"))}}
    issue = event.get("issue")
    if event.get("object_kind") == "note" and attributes.get("noteable_type") == "Issue" and isinstance(issue, dict):
        created = attributes.get("action", "create") == "create"  # before GitLab 16.11 only new notes came
        return {"action": "created" if created else "edited",
                "issue": {"number": issue.get("iid"), "title": issue.get("title"), "body": issue.get("description")},
                "comment": {"body": attributes.get("note"), "created_at": _gitlab_time(attributes.get("created_at"))}}
    return {}


def from_issue_event(content: Path, event: dict, permission: str, catalog: Catalog, tz: tzinfo,
                     site_url: str) -> Reply:
    """An `issues` (opened) or `issue_comment` (created) event (or GitLab's Issue or Note Hook) -> the post it asks
    for, and the answer for the issue. Issues and comments not meant for the status page get no answer; people
    without write access, and forms or commands that would not pass `statusgen check`, get an answer and nothing is
    written."""
    from .errors import ContentError

    if "object_kind" in event:
        event = from_gitlab_event(event)
    issue = event.get("issue") if isinstance(event.get("issue"), dict) else {}
    number = issue.get("number")
    if not isinstance(number, int):
        return Reply(False, "")
    comment = event.get("comment")
    try:
        if isinstance(comment, dict):
            if event.get("action") != "created" or not COMMANDS.match(str(comment.get("body") or "").strip()):
                return Reply(False, "")
            if permission not in WRITERS:
                return Reply(False, _no_permission(permission))
            now = _event_time(comment.get("created_at"), "comment.created_at")
            path = find_issue_file(content, number)
            if path is None:
                raise NotPosted("no incident was opened from this issue (expected an issue made with the status "
                                "page's incident or maintenance form)")
            parsed = parse_command(str(comment.get("body")), now, tz)
            state = post_comment(path, parsed, catalog, now, tz, content)
            return Reply(True, f"Posted ({state}) to {page_address(site_url, path.stem)}; it shows after the next "
                               f"build.\n", path)
        if event.get("action") != "opened":
            return Reply(False, "")
        body = HTML_COMMENT.sub("", str(issue.get("body") or ""))  # a GitLab template's hints; hidden on GitHub too
        kind = next((k for k in ("incident", "maintenance") if form_sections(body, form_labels(k, catalog))), None)
        if kind is None:
            return Reply(False, "")
        if permission not in WRITERS:
            return Reply(False, _no_permission(permission))
        now = _event_time(issue.get("created_at"), "issue.created_at")
        title = " ".join(str(issue.get("title") or "").split())
        path = open_from_form(content, title, kind, form_sections(body, form_labels(kind, catalog)), number,
                              catalog, now, tz)
        return Reply(True, f"Posted to the status page: {page_address(site_url, path.stem)} (it shows after the "
                           f"next build), from `{path.relative_to(content.parent).as_posix()}`.\n\n{HOW_TO_UPDATE}",
                     path)
    except (NotPosted, Refusal, ContentError) as err:
        return Reply(False, f"Not posted; nothing was changed:\n\n{_problems_in_words(err)}\n")


def _no_permission(permission: str) -> str:
    return (f"Not posted: only people with write access to this repository post to the status page (expected "
            f"{', '.join(WRITERS)}, got {permission or 'none'}).\n")
