"""Telling channels what the site says: each update posted by the build time reaches every channel routed to it,
once, and nothing is silently missed.

Channels are Apprise URLs with tags (STATUSGEN_CHANNELS, or a file outside the repository: the URLs hold
secrets). A tag is either a routing tag (ROUTING_TAGS: `everything`, `incidents`, `maintenance`, `team`,
`component:<id>`, `area:<id>`) or a plain name (`noc`, `millbrook-business`); content/channels.yml, in the
repository and with no secret, ties names to routing tags.

The ledger: what was sent to which channel, as JSON lines in one file (ledger.jsonl) on a branch of the site's own
repository (LEDGER_BRANCH, no common history with the site), written with git plumbing (the work tree and index are
never touched) and pushed to the remote, or kept locally by a site with none. A channel is named in it by its name,
or by a hash of its URL: no secret. Exactly once works in three steps:

1. claim: one ledger commit holding a claim for every message about to be sent (and "skipped" for what a channel
   new to the ledger is not sent), pushed compare-and-swap: a push the remote rejects means another run moved the
   ledger on; this run fetches it again and works out anew what is left to send;
2. send;
3. record each outcome (sent, failed) in a second commit, pushed the same way (retried on top of what others
   pushed meanwhile).

A claim with no outcome whose run has stopped (its process is gone, on this machine, or its lease has run out) is
"uncertain": the next run says so and sends it again, marked as possibly repeated (an email keeps its Message-ID,
so mail systems drop the copy). A claim still within its lease is left to its run. A failed send is retried by the
next run. Nothing is sent when the content has problems (load_site raises first).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import groupby
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from . import names
from .errors import Problems, Refusal
from .messages import REPEATED, Message, Wording, latest_open, reminders, update_messages
from .model import Catalog, Site
from .source import Document
from .status import posted

log = logging.getLogger(__name__)

ENVIRONMENT = "STATUSGEN_CHANNELS"
ROUTES_FILE = "channels.yml"  # in content/, beside components.yml
LEDGER_BRANCH = "statusgen-notify"
LEDGER_REF = f"refs/heads/{LEDGER_BRANCH}"
LEDGER_FILE = "ledger.jsonl"
PLAIN_TAGS = ("everything", "incidents", "maintenance", "team")
RESERVED = ("all", "always")  # Apprise's own: `all` reaches every URL, `always` gets every notify
KIND_TAG = {"incident": "incidents", "maintenance": "maintenance"}
NAME = re.compile(r"[a-z0-9]+([_-][a-z0-9]+)*")
SEND_ALLOWANCE = timedelta(seconds=30)  # a claim's lease grows by this (plus the channel's rate) per message
PUSH_ATTEMPTS = 20  # compare-and-swap tries before a run gives up (each means another run moved the ledger on)
# What git says when a push lost the race: the branch moved on (or was being created or moved) meanwhile.
MOVED_ON = ("fetch first", "non-fast-forward", "stale info", "cannot lock ref", "reference already exists",
            "but expected")
SENT, FAILED, SKIPPED, CLAIMED = "sent", "failed", "skipped", "claimed"
JOINED = "joined"  # a channel's first run (its record names no message)
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "statusgen notify", "GIT_AUTHOR_EMAIL": "notify@statusgen.invalid",
                "GIT_COMMITTER_NAME": "statusgen notify", "GIT_COMMITTER_EMAIL": "notify@statusgen.invalid"}


# --- routing -----------------------------------------------------------------------------------------------------

def tag_problem(tag: str, catalog: Catalog) -> str | None:
    """What is wrong with a routing tag, or None; a tag that is not one is a name (checked as such)."""
    kind, _, ident = tag.partition(":")
    if tag in RESERVED:
        return f"tag {tag!r} is reserved by Apprise (expected a name or one of {', '.join(PLAIN_TAGS)}, " \
               f"component:<id>, area:<id>)"
    if not ident:
        return None if tag in PLAIN_TAGS or NAME.fullmatch(tag) else (
            f"not a channel name (expected lowercase letters, digits, - and _, got {tag!r})")
    ids = {"component": [c.id for c in catalog.components], "area": [a.id for a in catalog.areas]}.get(kind)
    if ids is None:
        return f"unknown routing tag (expected component:<id> or area:<id>, got {tag!r})"
    if ident not in ids:
        return f"unknown {kind} ({names.expected(ident, ids)}, got {ident!r})"
    return None


def is_route(tag: str) -> bool:
    return tag in PLAIN_TAGS or tag.startswith(("component:", "area:"))


def load_routes(content: Path, catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """content/channels.yml: `channels:` mapping a channel's name to the routing tags it asks for. Empty when the
    file is absent; ContentError with every problem at its line."""
    path = content / ROUTES_FILE
    if not path.is_file():
        return {}
    problems = Problems()
    text = path.read_text(encoding="utf-8-sig")
    problems.file_lines(path, text)
    doc = Document(str(path), problems, name="channels file")
    root = doc.compose(text)
    routes: dict[str, tuple[str, ...]] = {}
    if root is not None and not isinstance(root, yaml.MappingNode):
        doc.report(root, "not a mapping (expected `channels:` with a channel name and its routing tags on each line)")
    elif root is not None:
        for key, value in root.value:
            if key.value != "channels":
                doc.report(key, f"unknown key (expected channels, got {key.value!r})")
                continue
            if not isinstance(value, yaml.MappingNode):
                doc.report(value, "channels: not a mapping (expected channel name: [routing tags])")
                continue
            for name, tags in value.value:
                routes.update(_route(doc, name, tags, catalog))
    problems.raise_if_any()
    return routes


def _route(doc: Document, name: yaml.Node, tags: yaml.Node, catalog: Catalog) -> dict[str, tuple[str, ...]]:
    label = str(name.value)
    if not isinstance(name, yaml.ScalarNode) or not NAME.fullmatch(label) or is_route(label) or label in RESERVED:
        doc.report(name, f"not a channel name (expected the plain tag of a channel in {ENVIRONMENT}, such as noc, "
                         f"got {label!r})")
        return {}
    items = tags.value if isinstance(tags, yaml.SequenceNode) else [tags] if isinstance(tags, yaml.ScalarNode) \
        else None
    if items is None or not items:
        doc.report(tags, f"channels.{label}: no routing tags (expected a list such as [everything] or "
                         f"[area:<id>, maintenance])")
        return {}
    out = []
    for item in items:
        tag = str(item.value) if isinstance(item, yaml.ScalarNode) else ""
        wrong = tag_problem(tag, catalog) if is_route(tag) or ":" in tag or tag in RESERVED else (
            f"not a routing tag (expected one of {', '.join(PLAIN_TAGS)}, component:<id>, area:<id>, got {tag!r})")
        if wrong:
            doc.report(item, f"channels.{label}: {wrong}")
        else:
            out.append(tag)
    return {label: tuple(out)}


# --- channels ----------------------------------------------------------------------------------------------------

@dataclass
class Channel:
    """One Apprise URL: its name in the ledger, the routing tags it asks for, and Apprise's object for it."""

    key: str
    names: tuple[str, ...]
    routes: frozenset[str]
    service: Any  # an Apprise plugin object
    line: int = 1

    def wants(self, message: Message) -> bool:
        """Routing: reminders go to `team` channels; an update to a channel asking for everything, its kind, or a
        component or area it touches."""
        if message.kind == "reminder":
            return "team" in self.routes
        asked = {"everything", KIND_TAG[message.kind], *(f"component:{c}" for c in message.components),
                 *(f"area:{a}" for a in message.areas)}
        return bool(self.routes & asked)

    @property
    def is_email(self) -> bool:
        return type(self.service).__name__ == "NotifyEmail"


def read_channels(text: str, source: str, catalog: Catalog, routes: dict[str, tuple[str, ...]]) -> list[Channel]:
    """The channels of Apprise's text form (`TAGS=URL` a line) or its YAML form; ContentError naming `source` (the
    variable or the file) and the line, never the URL (it holds secrets)."""
    import apprise
    from apprise.config.base import ConfigBase

    problems = Problems()
    found: list[tuple[int, Any]] = []
    if ConfigBase.detect_config_format(text) == "yaml":
        config = apprise.AppriseConfig()
        if not config.add_config(text, format="yaml") or not config.services():
            problems.add(source, 1, "no channel could be read (expected Apprise's YAML form with URLs Apprise knows)")
        found = [(1, s) for s in config.services()]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            entry = line.strip()
            if not entry or entry.startswith(("#", ";")):
                continue
            parsed = re.fullmatch(r"(?:(?P<tags>[A-Za-z0-9_,:\s-]*?)\s*=\s*)?(?P<url>[A-Za-z0-9+]{1,32}://\S+)", entry)
            service = apprise.Apprise.instantiate(parsed["url"], tag=parsed["tags"] or None) if parsed else None
            if service is None:
                scheme = parsed["url"].split("://")[0] + "://..." if parsed else "a line that is not TAGS=URL"
                problems.add(source, number, f"not a channel Apprise can use (expected TAGS=URL with a URL Apprise "
                                             f"knows, got {scheme})")
                continue
            found.append((number, service))
    channels = []
    for number, service in found:
        tags = sorted(str(t) for t in service.tags)
        for tag in tags:
            wrong = tag_problem(tag, catalog)
            if wrong:
                problems.add(source, number, wrong)
        names = tuple(t for t in tags if not is_route(t))
        asked = {t for t in tags if is_route(t)} | {t for n in names for t in routes.get(n, ())}
        channels.append(Channel("", names, frozenset(asked), service, number))
    problems.raise_if_any()
    _name(channels)
    return channels


def _name(channels: list[Channel]) -> None:
    """Each channel's name in the ledger: its first name, else its routing tags joined ("team",
    "area:north+incidents"); with a hash of its URL when two share it, a hash alone for a URL with no tag. A channel
    named by its tags or its URL's hash is a new channel when they change (a new password): name your channels."""
    first = [c.names[0] if c.names else "+".join(sorted(c.routes)) for c in channels]
    for channel, name in zip(channels, first):
        digest = hashlib.sha256(channel.service.url(privacy=False).encode()).hexdigest()[:12]
        channel.key = name if name and first.count(name) == 1 else f"{name or 'url'}~{digest}"


def unrouted(routes: dict[str, tuple[str, ...]], channels: list[Channel], content: Path) -> list[str]:
    """Notes: names in channels.yml that no channel has, and channels that ask for nothing (nothing is sent to
    either)."""
    have = {n for c in channels for n in c.names}
    notes = [f"{content / ROUTES_FILE}: channel {name!r} has no URL in the channels given: nothing is sent to it"
             for name in sorted(routes) if name not in have]
    notes += [f"channel {c.key!r} asks for nothing (no routing tag on its line nor in {content / ROUTES_FILE}): "
              f"nothing is sent to it" for c in channels if not c.routes]
    return notes


# --- the ledger --------------------------------------------------------------------------------------------------

class Rejected(Exception):
    """The ledger moved on since it was read: another run pushed first."""


class Ledger:
    """ledger.jsonl on LEDGER_BRANCH of the repository at `root`, fetched from and pushed to `remote` when the
    repository has it (else kept in the local branch alone). Reads and writes through git plumbing only."""

    def __init__(self, root: Path, remote: str | None, required_remote: bool = False):
        self.root = root
        self.remote = remote if remote and self._has_remote(remote) else None
        if remote and required_remote and self.remote is None:
            raise Refusal(f"--remote: no remote {remote!r} in the repository at {root}")
        self.tip: str | None = None

    def _git(self, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, **GIT_IDENTITY, "GIT_TERMINAL_PROMPT": "0"}
        done = subprocess.run(["git", *args], cwd=self.root, input=input, capture_output=True, text=True, env=env)
        if check and done.returncode != 0:
            raise Refusal(f"git {args[0]} failed for the notification ledger: {' '.join(done.stderr.split())}")
        return done

    def _has_remote(self, name: str) -> bool:
        return self._git("remote", "get-url", name, check=False).returncode == 0

    def read(self) -> list[dict]:
        """The ledger's records, as the remote has it now (fetched), or the local branch for a site with none."""
        self.tip = self._fetch() if self.remote else self._rev(LEDGER_REF)
        if self.tip is None:
            return []
        text = self._git("cat-file", "blob", f"{self.tip}:{LEDGER_FILE}").stdout
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def _rev(self, ref: str) -> str | None:
        done = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return done.stdout.strip() or None

    def _fetch(self) -> str | None:
        temporary = f"refs/statusgen/fetched-{uuid.uuid4().hex}"  # one per run: runs in one clone do not collide
        done = self._git("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", self.remote,
                         f"+{LEDGER_REF}:{temporary}", check=False)
        if done.returncode != 0:
            if "couldn't find remote ref" in done.stderr:
                return None
            raise Refusal(f"cannot fetch the notification ledger from {self.remote}: {' '.join(done.stderr.split())}")
        tip = self._rev(temporary)
        self._git("update-ref", "-d", temporary)
        return tip

    def append(self, records: list[dict], records_before: list[dict], what: str) -> None:
        """Commit the ledger with `records` added on top of the tip read, and publish it compare-and-swap;
        Rejected when another run moved it on meanwhile."""
        lines = "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in [*records_before, *records])
        blob = self._git("hash-object", "-w", "--stdin", input=lines).stdout.strip()
        tree = self._git("mktree", input=f"100644 blob {blob}\t{LEDGER_FILE}\n").stdout.strip()
        parent = ["-p", self.tip] if self.tip else []
        commit = self._git("commit-tree", tree, *parent, "-m", what).stdout.strip()
        if self.remote:
            done = self._git("push", "--porcelain", "--quiet", self.remote, f"{commit}:{LEDGER_REF}", check=False)
            if done.returncode != 0:
                said = done.stdout + done.stderr
                if any(sign in said for sign in MOVED_ON):
                    raise Rejected()
                raise Refusal(f"cannot push the notification ledger to {self.remote}: "
                              f"{' '.join((done.stderr or done.stdout).split())}")
            # The local branch is a copy for people to look at; the remote's is the ledger. Another run in this
            # clone may hold its lock a moment: no reason to fail a run whose claim is already pushed.
            self._git("update-ref", LEDGER_REF, commit, check=False)
        else:
            done = self._git("update-ref", LEDGER_REF, commit, self.tip or "0" * 40, check=False)
            if done.returncode != 0:
                raise Rejected()
        self.tip = commit


class _NoLedger:
    """What a dry run reads outside a git repository: nothing sent yet."""

    def read(self) -> list[dict]:
        return []


NO_LEDGER = _NoLedger()


# --- a run -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    channel: Channel
    message: Message
    repeated: bool = False  # an uncertain claim sent again


@dataclass
class Outcome:
    """What a run did, for the command to report."""

    sent: list[Plan] = field(default_factory=list)
    failed: list[tuple[Plan, str]] = field(default_factory=list)
    skipped: int = 0
    uncertain: list[tuple[Plan, dict]] = field(default_factory=list)
    left: list[tuple[Plan, dict]] = field(default_factory=list)  # claimed by another run still at it
    planned: list[Plan] = field(default_factory=list)  # --dry-run: what would be sent


@dataclass(frozen=True)
class Settings:
    """What notify reads from the site's settings."""

    words: Wording
    warning: timedelta = timedelta(minutes=10)  # STATUSGEN_REMINDER_MINUTES
    lease: timedelta = timedelta(minutes=5)  # STATUSGEN_NOTIFY_LEASE_MINUTES, or --lease
    rate: float | None = None  # STATUSGEN_NOTIFY_RATE_SECONDS: seconds between two messages on one channel


def due_messages(site: Site, when: datetime, settings: Settings) -> list[Message]:
    """Every message due at `when`: one per update posted by then, and the team's reminders."""
    shown = posted(site, when)
    return [*update_messages(shown, when, settings.words), *reminders(shown, when, settings.warning, settings.words)]


def latest(records: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """The last record of each (channel, message): what became of it."""
    out = {}
    for record in records:
        out[record["channel"], record["message"]] = record
    return out


def plan(channels: list[Channel], messages: list[Message], records: list[dict], fresh: set[str], now: datetime,
         outcome: Outcome) -> tuple[list[Plan], list[Plan]]:
    """(to send, to record as skipped): what no record says was sent, skipped, or claimed by a run still at it; of
    the history a channel never had (it is new to the ledger, or the message is dated before its first run), only
    the latest word of what is open or upcoming (`fresh`) and reminders."""
    last = latest(records)
    began: dict[str, datetime] = {}  # each channel's first run: the build time of its first record
    for record_ in records:
        when = datetime.fromisoformat(record_["build"])
        began[record_["channel"]] = min(began.get(record_["channel"], when), when)
    send, skip = [], []
    for channel in channels:
        start = began.get(channel.key)
        for message in messages:
            if not channel.wants(message):
                continue
            record = last.get((channel.key, message.key))
            if record is None:
                # History the channel never had: it is new, or dated before its first run (routed to it since, or
                # an old incident added later). Not history: the latest word of what is open or upcoming.
                history = start is None or message.at < start
                new = history and message.kind != "reminder" and message.key not in fresh
                (skip if new else send).append(Plan(channel, message))
            elif record["outcome"] == FAILED:  # still possibly repeated, if that is what failed
                send.append(Plan(channel, message, repeated=bool(record.get("repeated"))))
            elif record["outcome"] == CLAIMED:
                if stopped(record, now):
                    outcome.uncertain.append((Plan(channel, message, repeated=True), record))
                    send.append(Plan(channel, message, repeated=True))
                else:
                    outcome.left.append((Plan(channel, message), record))
    return send, skip


def stopped(claim: dict, now: datetime) -> bool:
    """Whether the run that made a claim is over: its lease has run out, or it ran on this machine and its process
    is gone."""
    if now > datetime.fromisoformat(claim["until"]):
        return True
    if claim.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(claim["pid"]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError, OverflowError):
        return False
    return False


def record(plan_: Plan, outcome: str, run: str, when: datetime, now: datetime, **more: Any) -> dict:
    return {"channel": plan_.channel.key, "message": plan_.message.key, "outcome": outcome, "run": run,
            "build": when.isoformat(), "at": now.isoformat(), **more}


def run(site: Site, when: datetime, channels: list[Channel], ledger: Ledger, settings: Settings, *,
        dry_run: bool = False, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        say: Callable[[str], None] = lambda line: None, stopping: Callable[[], bool] = lambda: False) -> Outcome:
    """Send what is due at `when` to each channel routed to it, once (see the module for how). `stopping`: asked
    before each send; once it says yes (the CI job is being cancelled), the rest is recorded as not sent, for the
    next run, and what was sent as sent: nothing is left uncertain."""
    messages = due_messages(site, when, settings)
    fresh = latest_open(posted(site, when), when)
    ident = uuid.uuid4().hex[:12]
    for _ in range(PUSH_ATTEMPTS):
        outcome = Outcome()
        records = ledger.read()
        now = clock()
        send, skip = plan(channels, messages, records, fresh, now, outcome)
        outcome.skipped = len(skip)
        if dry_run:
            outcome.planned = send
            return outcome
        known = {r["channel"] for r in records}
        joined = [{"channel": c.key, "message": "", "outcome": JOINED, "run": ident, "build": when.isoformat(),
                   "at": now.isoformat()} for c in channels if c.key not in known]
        if not send and not skip and not joined:
            return outcome
        until = now + settings.lease + sum((SEND_ALLOWANCE + timedelta(seconds=_rate(p.channel, settings))
                                            for p in send), timedelta(0))
        claims = [record(p, CLAIMED, ident, when, now, until=until.isoformat(), host=socket.gethostname(),
                         pid=os.getpid()) for p in send]
        claims += [record(p, SKIPPED, ident, when, now, why="new channel: only what is open or upcoming")
                   for p in skip]
        claims += joined  # its first run, even with nothing to send: what is posted after it is not its history
        try:
            ledger.append(claims, records, f"notify: claim {len(send)}, skip {len(skip)} (run {ident})")
        except Rejected:
            continue
        break
    else:
        raise Refusal(f"the notification ledger kept moving on: {PUSH_ATTEMPTS} tries to claim failed; nothing sent")
    results = deliver(send, settings, say, stopping)
    done = [record(p, FAILED if error else SENT, ident, when, clock(),
                   **({"error": error, **({"repeated": True} if p.repeated else {})} if error else {}))
            for p, error in results]
    outcome.sent = [p for p, error in results if not error]
    outcome.failed = [(p, error) for p, error in results if error]
    _record(ledger, done, ident)
    return outcome


def _record(ledger: Ledger, done: list[dict], ident: str) -> None:
    for _ in range(PUSH_ATTEMPTS):
        records = ledger.read()
        try:
            ledger.append(done, records, f"notify: {len(done)} outcomes (run {ident})")
            return
        except Rejected:
            continue
    raise Refusal("the notification ledger kept moving on: the outcomes of this run could not be recorded (the "
                  "next run reports them as uncertain)")


def _rate(channel: Channel, settings: Settings) -> float:
    return settings.rate if settings.rate is not None else float(channel.service.request_rate_per_sec)


STOPPED = "not sent: the run was stopped (SIGTERM) before it"


def deliver(plans: list[Plan], settings: Settings, say: Callable[[str], None],
            stopping: Callable[[], bool] = lambda: False) -> list[tuple[Plan, str]]:
    """Send each; (plan, "" or why it failed). A channel's messages go out oldest first, at the channel's rate; an
    email channel's through one connection to its server."""
    results = []
    for _, group in groupby(plans, key=lambda p: id(p.channel)):
        group = list(group)
        service = group[0].channel.service
        if settings.rate is not None:
            service.request_rate_per_sec = settings.rate
        if stopping():
            sent = [STOPPED] * len(group)
        elif group[0].channel.is_email:
            sent = send_emails(group, settings.words, stopping)
        else:
            sent = [STOPPED if stopping() else _caught(send_chat, p) for p in group]
        for plan_, error in zip(group, sent):
            if not error:
                say(f"sent to {plan_.channel.key}: {plan_.message.subject}")
            results.append((plan_, error))
    return results


def _caught(send: Callable[..., str], *args) -> str:
    try:
        return send(*args)
    except Exception as err:  # noqa: BLE001 - whatever the service did, it is this send's failure, reported
        return " ".join(f"{type(err).__name__}: {err}".split())


def send_chat(plan_: Plan) -> str:
    """Through Apprise's own service object: the subject as the title, the short form as the body."""
    import apprise

    message = plan_.message
    title = f"{REPEATED} {message.subject}" if plan_.repeated else message.subject
    with apprise.LogCapture(level=logging.WARNING) as captured:
        ok = plan_.channel.service.notify(body=message.chat, title=title, body_format=apprise.NotifyFormat.TEXT)
    if ok:
        return ""
    said = [line for line in captured.getvalue().splitlines() if line.strip()]
    return " ".join(said[-1].split(" - ", 2)[-1].split()) if said else "the service did not accept it"


def send_emails(plans: list[Plan], words: Wording, stopping: Callable[[], bool] = lambda: False) -> list[str]:
    """Emails of our own making (Apprise's would give an HTML message a plain part converted from the HTML, and a
    Message-ID of its own after any we set), sent through Apprise's SMTP connection for the channel's URL (its
    host, port, TLS mode, login, sender and recipients): one connection for them all (Apprise's makes a TLS context
    for each, a quarter of a second), at the channel's rate. Why each failed, or "" for each sent."""
    from apprise.plugins.email.smtp import AppriseSMTPController

    service = plans[0].channel.service
    recipients = [*(address for _, address in service.targets), *sorted(service.cc), *sorted(service.bcc)]
    try:
        with AppriseSMTPController(host=service.smtp_host, port=service.port, secure_mode=service.secure_mode,
                                   user=service.user, password=service.password,
                                   verify_certificate=service.verify_certificate,
                                   socket_connect_timeout=service.socket_connect_timeout) as smtp:
            errors = []
            for plan_ in plans:
                if stopping():
                    errors.append(STOPPED)
                    continue
                service.throttle()
                ok = smtp.sendmail(service.from_addr[1], recipients, email_of(plan_, words).as_string())
                errors.append("" if ok else "the mail server refused it")
            return errors
    except Exception as err:  # noqa: BLE001 - the server could not be reached, or refused the login
        said = " ".join(f"{type(err).__name__}: {err}".split())
        return [said] * len(plans)


def email_of(plan_: Plan, words: Wording):
    """The email for one plan: multipart plain and HTML, a Message-ID made from the message and channel (the same
    when sent again), List-Id, dated when the update was posted."""
    from email.message import EmailMessage
    from email.utils import format_datetime, formataddr

    service, message = plan_.channel.service, plan_.message
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = formataddr((service.from_addr[0] or "", service.from_addr[1]))
    mail["To"] = ", ".join(address for _, address in service.targets)
    if service.cc:
        mail["Cc"] = ", ".join(sorted(service.cc))
    mail["Date"] = format_datetime(message.at.astimezone(timezone.utc))
    mail["Message-ID"] = message.message_id(plan_.channel.key)
    mail["List-Id"] = words.list_id
    mail["Auto-Submitted"] = "auto-generated"
    if plan_.repeated:
        mail["X-Statusgen-Repeated"] = "possibly: a run stopped before recording that this was sent"
    for name, value in service.headers.items():  # the URL's own +Header=value
        if name.lower() not in {k.lower() for k in mail.keys()}:
            mail[name] = value
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail
