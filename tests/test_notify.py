"""`statusgen notify` end to end: real SMTP (aiosmtpd) and HTTP receivers on loopback, a ledger in a real git
repository with a bare remote, the command run through click's runner or as a process (to kill it, or to run two at
once). Every property of issue 23's "exactly once" is one test here."""
from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from statusgen.cli import main
from tests.conftest import SiteFactory

pytestmark = pytest.mark.slow  # git ledgers with remotes, SMTP and HTTP receivers on loopback: left to `make test`

INCIDENT = "2026-12-01-calls-fail-in-the-north"
MAINTENANCE = "2026-12-01-tv-upgrade"
SETTINGS = """\
SITENAME = "Northwind status"
SITEURL = "https://status.northwind.example"
TIMEZONE = "UTC"
STATUSGEN_CONTACT = "support@northwind.example"
STATUSGEN_TICKET_URL = "https://tickets.example/{ticket}"
STATUSGEN_NOTIFY_RATE_SECONDS = 0  # loopback receivers: no wait between two messages (Apprise waits 5.5 s for mail)
"""
GIT = ["git", "-c", "user.email=noc@example.org", "-c", "user.name=NOC", "-c", "init.defaultBranch=main"]


# --- receivers ---------------------------------------------------------------------------------------------------

class Hook:
    """An HTTP receiver: keeps each POST's JSON; answers 500 to the next `failing` requests."""

    def __init__(self):
        self.posts: list[dict] = []
        self.failing = 0
        self.lock = threading.Lock()

    def handler(self):
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with hook.lock:
                    failing = hook.failing > 0
                    hook.failing -= failing
                    if not failing:
                        hook.posts.append({"path": self.path, **json.loads(body)})
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    @property
    def titles(self) -> list[str]:
        return [post["title"] for post in self.posts]


@pytest.fixture
def hook():
    receiver = Hook()
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.port = server.server_address[1]
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


class Mailbox:
    """An SMTP server's handler: keeps each message; with `hold`, keeps the sender waiting for its answer after the
    message arrived (a run killed between sending and recording)."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.hold = False
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        if self.hold:
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        return "250 OK"

    @property
    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox():
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    box.release.set()
    controller.stop()


# --- the site: content, a git repository and its bare remote ---------------------------------------------------

def incident_text(resolved: bool = True) -> str:
    text = """\
        ---
        title: Calls fail in the north
        components: {phone: major_outage}
        areas: [north]
        ticket: NOC-7
        updates:
          - at: 2026-12-01 10:00
            state: investigating
            next_update: 2026-12-01 10:30
            body: Calls into and out of the north fail.
          - at: 2026-12-01 10:20
            state: identified
            eta: 2026-12-01 12:00
            next_update: 2026-12-01 11:00
            body: A cut fiber. Crews are on site.
        """
    text = textwrap.dedent(text)
    if resolved:
        text += "  - at: 2026-12-01 11:40\n    state: resolved\n    body: Calls work again.\n"
    return text + "---\n"


MAINTENANCE_TEXT = """\
    ---
    title: TV platform upgrade
    kind: maintenance
    components: {tv: under_maintenance}
    window: {start: 2026-12-03 02:00, end: 2026-12-03 04:00}
    updates:
      - at: 2026-12-01 09:00
        state: scheduled
        body: TV may stop for a few minutes.
    ---
    """


def git(folder: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout


def commit_all(folder: Path, what: str = "site") -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", what)
    git(folder, "push", "-q", "origin", "HEAD:main")


@pytest.fixture
def notify_site(tmp_path: Path, monkeypatch) -> SiteFactory:
    """A site in a clone of a bare remote, with an incident and a maintenance window (the current folder)."""
    subprocess.run([*GIT, "init", "-q", "--bare", str(tmp_path / "remote.git")], check=True)
    made = SiteFactory(tmp_path / "site")
    (made.root / "pelicanconf.py").write_text(SETTINGS)
    made.incident(f"{INCIDENT}.md", incident_text())
    made.incident(f"{MAINTENANCE}.md", MAINTENANCE_TEXT)
    git(made.root, "init", "-q")
    git(made.root, "remote", "add", "origin", str(tmp_path / "remote.git"))
    commit_all(made.root)
    monkeypatch.chdir(made.root)
    return made


def channels(*lines: str) -> dict[str, str]:
    return {"STATUSGEN_CHANNELS": "\n".join(lines)}


def mail_url(box: Mailbox) -> str:
    return f"mailto://127.0.0.1:{box.port}?from=status@northwind.example&to=business@example.com"


def run(site: SiteFactory, at: str, env: dict[str, str], *more: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["notify", str(site.root), "--build-time", at, *more], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def ledger(folder: Path, ref: str = "statusgen-notify") -> list[dict]:
    text = git(folder, "cat-file", "blob", f"{ref}:ledger.jsonl")
    return [json.loads(line) for line in text.splitlines()]


def process(site: SiteFactory, at: str, env: dict[str, str], *more: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "statusgen.cli", "notify", str(site.root), "--build-time", at, *more],
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# --- what a message says -----------------------------------------------------------------------------------------

def test_an_update_reaches_email_and_chat_once_with_the_words_of_the_page(notify_site, mailbox, hook):
    env = channels(f"business,everything={mail_url(mailbox)}", f"chat,incidents=json://127.0.0.1:{hook.port}/hook")
    assert run(notify_site, "2026-12-01 10:25", env) == (0, (
        "sent to business: Maintenance on TV in South: announced\n"
        "sent to business: Phone down in North: identified\n"
        "sent to chat: Phone down in North: identified\n"
        "notify as of 2026-12-01T10:25:00+00:00: 3 sent, 0 failed, 2 skipped (new channel: only what is open or "
        "upcoming)\n"), "")
    mail = mailbox.messages[1]
    assert mail["Subject"] == "Phone down in North: identified"
    assert mail["Message-ID"] == f"<update.{INCIDENT}.2.business@status.northwind.example>"
    assert mail["List-Id"] == "Northwind status <notices.status.northwind.example>"
    assert mail["To"] == "business@example.com" and mail["From"] == "status@northwind.example"
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain == textwrap.dedent(f"""\
        Calls fail in the north
        Identified, Dec 1, 2026, 10:20 UTC

        Affected: Phone: Major outage
        Where: North
        Since: Dec 1, 2026, 10:00 UTC
        Expected resolution: Dec 1, 2026, 12:00 UTC
        Next update: by Dec 1, 2026, 11:00 UTC
        Ticket: NOC-7

        A cut fiber. Crews are on site.

        Details: https://status.northwind.example/incidents/{INCIDENT}/#update-2

        -- 
        You receive this because you subscribed to notices from Northwind status. To stop receiving them, tell us: \
support@northwind.example.
        """)
    from lxml import html as lxml_html

    page = lxml_html.fromstring(mail.get_body(("html",)).get_content())
    assert page.xpath("//a/@href") == ["https://tickets.example/NOC-7",
                                       f"https://status.northwind.example/incidents/{INCIDENT}/#update-2"]
    assert page.xpath("//h1/text()") == ["Calls fail in the north"]
    assert hook.posts == [{"path": "/hook", "version": "1.0", "title": "Phone down in North: identified",
                           "message": "Calls fail in the north\nA cut fiber. Crews are on site.\n"
                                      "Expected resolution: Dec 1, 2026, 12:00 UTC\nNext update: by Dec 1, 2026, 11:00 UTC\n"
                                      f"https://status.northwind.example/incidents/{INCIDENT}/#update-2",
                           "attachments": [], "type": "info"}]
    # Again at the same time, and later: only what is new; each once.
    assert run(notify_site, "2026-12-01 10:25", env)[1] == "notify as of 2026-12-01T10:25:00+00:00: 0 sent, 0 failed\n"
    assert run(notify_site, "2026-12-01 11:45", env)[1] == (
        "sent to business: Phone in North: resolved\n"
        "sent to chat: Phone in North: resolved\n"
        "notify as of 2026-12-01T11:45:00+00:00: 2 sent, 0 failed\n")
    assert mailbox.subjects == ["Maintenance on TV in South: announced", "Phone down in North: identified",
                                "Phone in North: resolved"]
    assert hook.titles == ["Phone down in North: identified", "Phone in North: resolved"]
    resolved = mailbox.messages[2].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Recovered: Phone\n" in resolved and "Expected resolution" not in resolved


def test_the_ledger_is_a_branch_of_the_remote_written_without_touching_the_work_tree(notify_site, hook, tmp_path):
    (notify_site.root / "notes.txt").write_text("uncommitted\n")
    git(notify_site.root, "add", "notes.txt")  # staged: the index must stay as it is
    env = channels(f"chat,everything=json://127.0.0.1:{hook.port}/hook")
    assert run(notify_site, "2026-12-01 10:25", env)[0] == 0
    assert git(notify_site.root, "status", "--porcelain") == "A  notes.txt\n"
    assert git(notify_site.root, "rev-parse", "--abbrev-ref", "HEAD") == "main\n"
    records = ledger(tmp_path / "remote.git")
    assert [(r["channel"], r["message"], r["outcome"]) for r in records] == [
        ("chat", f"update/{MAINTENANCE}/1", "claimed"), ("chat", f"update/{INCIDENT}/2", "claimed"),
        ("chat", f"update/{INCIDENT}/1", "skipped"), ("chat", "", "joined"),
        ("chat", f"update/{MAINTENANCE}/1", "sent"), ("chat", f"update/{INCIDENT}/2", "sent")]
    assert "json://" not in git(tmp_path / "remote.git", "cat-file", "blob", "statusgen-notify:ledger.jsonl")
    # An orphan branch: no history shared with the site.
    assert subprocess.run(["git", "-C", str(tmp_path / "remote.git"), "merge-base", "main", "statusgen-notify"],
                          capture_output=True).returncode == 1
    assert git(tmp_path / "remote.git", "ls-tree", "--name-only", "statusgen-notify") == "ledger.jsonl\n"


def test_self_hosted_chat_servers_get_the_short_form(notify_site, hook):
    env = channels(f"ops,incidents=mmost://127.0.0.1:{hook.port}/hooktoken",
                   f"phones,incidents=ntfy://127.0.0.1:{hook.port}/outages")
    assert run(notify_site, "2026-12-01 10:05", env)[0] == 0
    link = f"https://status.northwind.example/incidents/{INCIDENT}/#update-1"
    ntfy, mattermost = sorted(hook.posts, key=lambda post: post["path"])
    assert mattermost["path"] == "/hooks/hooktoken"
    assert mattermost["text"] == ("Phone down in North: investigating\r\nCalls fail in the north\n"
                                  "Calls into and out of the north fail.\nNext update: by Dec 1, 2026, 10:30 UTC\n" + link)
    assert (ntfy["path"], ntfy["topic"], ntfy["title"]) == ("/", "outages", "Phone down in North: investigating")
    assert ntfy["message"].endswith(link)


def test_a_site_with_no_remote_keeps_its_ledger_in_a_local_branch(notify_site, hook):
    git(notify_site.root, "remote", "remove", "origin")
    env = channels(f"noc,incidents=json://127.0.0.1:{hook.port}/noc")
    for at in ("2026-12-01 10:05", "2026-12-01 10:05", "2026-12-01 10:25"):
        assert run(notify_site, at, env)[0] == 0
    assert hook.titles == ["Phone down in North: investigating", "Phone down in North: identified"]
    assert [r["outcome"] for r in ledger(notify_site.root) if r["message"] == f"update/{INCIDENT}/2"] == [
        "claimed", "sent"]
    result = CliRunner().invoke(main, ["notify", str(notify_site.root), "--remote", "upstream"], env=env)
    assert (result.exit_code, result.stderr) == (1, f"statusgen: --remote: no remote 'upstream' in the repository at "
                                                    f"{notify_site.root}\n")


# --- routing -----------------------------------------------------------------------------------------------------

def test_routing_by_service_area_and_kind(notify_site, hook):
    (notify_site.content / "channels.yml").write_text(textwrap.dedent("""\
        channels:
          north-business: [area:north]
          tv-watchers: [component:tv]
          elsewhere: [everything]
    """))
    env = channels(*(f"{tags}=json://127.0.0.1:{hook.port}/{path}" for tags, path in (
        ("north-business", "north"), ("tv-watchers", "tv"), ("maintenance", "maint"), ("incidents", "inc"),
        ("area:south", "south"), ("component:phone", "phone"))))
    code, out, err = run(notify_site, "2026-12-01 10:05", {"STATUSGEN_CHANNELS": env["STATUSGEN_CHANNELS"] +
                                                           f"\nidle=json://127.0.0.1:{hook.port}/idle"})
    assert (code, err) == (0, "note: content/channels.yml: channel 'elsewhere' has no URL in the channels given: "
                              "nothing is sent to it\n"
                              "note: channel 'idle' asks for nothing (no routing tag on its line nor in "
                              "content/channels.yml): nothing is sent to it\n")
    got = sorted((post["path"], post["title"]) for post in hook.posts)
    assert got == [("/inc", "Phone down in North: investigating"), ("/maint", "Maintenance on TV in South: announced"),
                   ("/north", "Phone down in North: investigating"), ("/phone", "Phone down in North: investigating"),
                   ("/south", "Maintenance on TV in South: announced"), ("/tv", "Maintenance on TV in South: announced")]


# --- what is due -------------------------------------------------------------------------------------------------

def test_a_new_ledger_or_channel_gets_only_what_is_open_or_upcoming(notify_site, hook):
    notify_site.incident("2026-12-02-tv-slow.md", """\
        ---
        title: TV is slow
        components: {tv: degraded_performance}
        updates:
          - {at: 2026-12-02 08:00, state: investigating, body: Channels load slowly.}
          - {at: 2026-12-02 08:30, state: monitoring, body: A fix is in.}
        ---
        """)
    first = channels(f"noc,everything=json://127.0.0.1:{hook.port}/noc")
    assert run(notify_site, "2026-12-02 09:00", first) == (0, (
        "sent to noc: Maintenance on TV in South: announced\n"
        "sent to noc: TV degraded in South: monitoring\n"
        "notify as of 2026-12-02T09:00:00+00:00: 2 sent, 0 failed, 4 skipped (new channel: only what is open or "
        "upcoming)\n"), "")
    # A channel added later: its own first run sends it only what is open or upcoming, the old one nothing again.
    both = channels(first["STATUSGEN_CHANNELS"], f"later,everything=json://127.0.0.1:{hook.port}/later")
    assert run(notify_site, "2026-12-02 09:10", both)[1] == (
        "sent to later: Maintenance on TV in South: announced\n"
        "sent to later: TV degraded in South: monitoring\n"
        "notify as of 2026-12-02T09:10:00+00:00: 2 sent, 0 failed, 4 skipped (new channel: only what is open or "
        "upcoming)\n")
    assert len(hook.posts) == 4


def test_history_routed_to_a_channel_later_or_added_later_is_not_sent(notify_site, hook):
    env = channels(f"noc,incidents=json://127.0.0.1:{hook.port}/noc")
    assert run(notify_site, "2026-12-01 12:00", env)[1] == (
        "notify as of 2026-12-01T12:00:00+00:00: 0 sent, 0 failed, 3 skipped (new channel: only what is open or "
        "upcoming)\n")
    wider = channels(f"noc,incidents,maintenance=json://127.0.0.1:{hook.port}/noc")
    notify_site.incident("2026-11-20-old.md", """\
        ---
        title: An old outage, written up late
        components: {tv: major_outage}
        updates:
          - {at: 2026-11-20 08:00, state: investigating, body: TV is down.}
          - {at: 2026-11-20 09:00, state: resolved, body: TV is back.}
        ---
        """)
    assert run(notify_site, "2026-12-01 12:10", wider)[1] == (
        "sent to noc: Maintenance on TV in South: announced\n"
        "notify as of 2026-12-01T12:10:00+00:00: 1 sent, 0 failed, 2 skipped (new channel: only what is open or "
        "upcoming)\n")
    assert hook.titles == ["Maintenance on TV in South: announced"]


def test_after_a_channels_first_run_every_update_is_sent_even_several_between_two_runs(notify_site, hook):
    env = channels(f"noc,incidents=json://127.0.0.1:{hook.port}/noc")
    assert run(notify_site, "2026-12-01 09:30", env)[1] == "notify as of 2026-12-01T09:30:00+00:00: 0 sent, 0 failed\n"
    assert run(notify_site, "2026-12-01 10:25", env)[1] == (
        "sent to noc: Phone down in North: investigating\nsent to noc: Phone down in North: identified\n"
        "notify as of 2026-12-01T10:25:00+00:00: 2 sent, 0 failed\n")


def test_nothing_is_sent_for_an_update_dated_after_the_build_time(notify_site, hook):
    env = channels(f"noc,incidents=json://127.0.0.1:{hook.port}/noc")
    assert run(notify_site, "2026-12-01 10:10", env)[1] == (
        "sent to noc: Phone down in North: investigating\nnotify as of 2026-12-01T10:10:00+00:00: 1 sent, 0 failed\n")
    assert run(notify_site, "2026-12-01 10:19", env)[1] == "notify as of 2026-12-01T10:19:00+00:00: 0 sent, 0 failed\n"
    assert hook.titles == ["Phone down in North: investigating"]


def test_dry_run_says_what_would_go_where_and_sends_and_records_nothing(notify_site, hook, tmp_path):
    env = channels(f"noc,incidents=json://127.0.0.1:{hook.port}/noc")
    assert run(notify_site, "2026-12-01 10:25", env, "--dry-run") == (0, (
        "would send to noc: Phone down in North: identified\n"
        "notify as of 2026-12-01T10:25:00+00:00: 1 to send, 1 to skip (new channel: only what is open or upcoming) "
        "(dry run: nothing sent or recorded)\n"), "")
    assert hook.posts == []
    assert "statusgen" not in git(tmp_path / "remote.git", "for-each-ref") + git(notify_site.root, "for-each-ref")


def test_outside_git_a_dry_run_says_what_a_first_run_would_send_and_a_real_run_is_refused(site, hook, monkeypatch):
    (site.root / "pelicanconf.py").write_text(SETTINGS)
    site.incident(f"{INCIDENT}.md", incident_text(resolved=False))
    monkeypatch.chdir(site.root)
    env = channels(f"noc,incidents=json://127.0.0.1:{hook.port}/noc")
    assert run(site, "2026-12-01 10:25", env, "--dry-run")[1] == (
        "would send to noc: Phone down in North: identified\n"
        "notify as of 2026-12-01T10:25:00+00:00: 1 to send, 1 to skip (new channel: only what is open or upcoming) "
        "(dry run: nothing sent or recorded)\n")
    assert run(site, "2026-12-01 10:25", env) == (1, "", (
        f"statusgen: {site.root}: not in a git repository (the ledger of what was sent is kept in the site's "
        f"repository: run git init)\n"))
    assert hook.posts == []


def test_a_site_with_content_problems_sends_nothing(notify_site, hook):
    notify_site.incident("2026-12-02-broken.md", "---\ntitle: Broken\ncomponents: {phon: major_outage}\nupdates: []\n---\n")
    env = channels(f"noc,everything=json://127.0.0.1:{hook.port}/noc")
    assert run(notify_site, "2026-12-01 10:25", env) == (1, "", (
        'content/incidents/2026-12-02-broken.md:3: components: unknown component (did you mean phone? expected one of phone, tv, got "phon")\n'
        "content/incidents/2026-12-02-broken.md:4: updates: empty (expected at least one update, got an empty list)\n"
        "2 problems found; nothing was sent.\n"))
    assert hook.posts == []


# --- failures, kills and two runs at once -------------------------------------------------------------------------

def test_a_failing_receiver_is_reported_and_retried_while_the_others_still_get_theirs(notify_site, hook, mailbox):
    env = channels(f"chat,incidents=json://127.0.0.1:{hook.port}/hook", f"business,incidents={mail_url(mailbox)}")
    hook.failing = 1
    code, out, err = run(notify_site, "2026-12-01 10:25", env)
    assert (code, out) == (1, "sent to business: Phone down in North: identified\n"
                              "notify as of 2026-12-01T10:25:00+00:00: 1 sent, 1 failed, 2 skipped (new channel: only "
                              "what is open or upcoming)\n")
    assert err == ("failed: chat: Phone down in North: identified: Failed to send JSON POST notification: Internal "
                   "server error., error=500. (sent again by the next run)\n")
    assert (run(notify_site, "2026-12-01 10:26", env)) == (0, (
        "sent to chat: Phone down in North: identified\nnotify as of 2026-12-01T10:26:00+00:00: 1 sent, 0 failed\n"), "")
    assert hook.titles == ["Phone down in North: identified"] and mailbox.subjects == hook.titles


@pytest.mark.build
def test_a_run_killed_between_sending_and_recording_is_reported_and_sent_again_with_the_same_message_id(
        notify_site, mailbox, hook):
    env = channels(f"business,incidents={mail_url(mailbox)}", f"chat,incidents=json://127.0.0.1:{hook.port}/hook")
    mailbox.hold = True
    first = process(notify_site, "2026-12-01 10:25", env)
    try:
        assert mailbox.arrived.wait(60), first.communicate(timeout=60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=60)  # reaped (a zombie would pass for alive) and its pipes closed
    mailbox.hold = False
    mailbox.release.set()
    code, out, err = run(notify_site, "2026-12-01 10:25", env)
    assert (code, out) == (0, "sent to business: Phone down in North: identified\n"
                              "sent to chat: Phone down in North: identified\n"
                              "notify as of 2026-12-01T10:25:00+00:00: 2 sent, 0 failed\n")
    said = err.splitlines()
    assert [line.split(": claimed at ")[0] for line in said] == [
        "uncertain: business: Phone down in North: identified", "uncertain: chat: Phone down in North: identified"]
    assert all(line.endswith(f"(pid {first.pid} on {socket.gethostname()}); sent again, marked as possibly repeated")
               for line in said)
    assert hook.titles == ["(possibly repeated) Phone down in North: identified"]
    copies = mailbox.messages
    assert [m["Message-ID"] for m in copies] == [f"<update.{INCIDENT}.2.business@status.northwind.example>"] * 2
    assert copies[1]["X-Statusgen-Repeated"] and copies[0]["X-Statusgen-Repeated"] is None
    assert run(notify_site, "2026-12-01 10:30", env)[1] == "notify as of 2026-12-01T10:30:00+00:00: 0 sent, 0 failed\n"


@pytest.mark.build
def test_a_run_stopped_by_sigterm_records_what_it_sent_and_leaves_the_rest_to_the_next(notify_site, mailbox):
    env = channels(f"business,everything={mail_url(mailbox)}")
    mailbox.hold = True
    first = process(notify_site, "2026-12-01 10:25", env)
    try:
        assert mailbox.arrived.wait(60), first.communicate(timeout=60)
        mailbox.hold = False
        first.send_signal(signal.SIGTERM)  # as a cancelled CI job gets it, while the first email is being sent
    finally:
        mailbox.release.set()
        out, err = first.communicate(timeout=60)
    assert (first.returncode, out, err) == (1, (
        "sent to business: Maintenance on TV in South: announced\n"
        "notify as of 2026-12-01T10:25:00+00:00: 1 sent, 1 failed, 1 skipped (new channel: only what is open or "
        "upcoming)\n"), "failed: business: Phone down in North: identified: not sent: the run was stopped (SIGTERM) "
                        "before it (sent again by the next run)\n")
    assert run(notify_site, "2026-12-01 10:26", env) == (0, (
        "sent to business: Phone down in North: identified\nnotify as of 2026-12-01T10:26:00+00:00: 1 sent, 0 failed\n"),
        "")
    assert mailbox.subjects == ["Maintenance on TV in South: announced", "Phone down in North: identified"]


def test_channels_in_a_yaml_file_outside_the_repository(notify_site, hook, tmp_path):
    secret = tmp_path / "channels.yml"
    secret.write_text(textwrap.dedent(f"""\
        version: 1
        urls:
          - json://127.0.0.1:{hook.port}/noc:
              tag: noc, incidents
    """))
    assert run(notify_site, "2026-12-01 10:05", {}, "--channels", str(secret))[1] == (
        "sent to noc: Phone down in North: investigating\nnotify as of 2026-12-01T10:05:00+00:00: 1 sent, 0 failed\n")


def test_a_fresh_claim_of_another_run_is_left_to_it(notify_site, hook, tmp_path):
    env = channels(f"noc,incidents=json://127.0.0.1:{hook.port}/noc")
    assert run(notify_site, "2026-12-01 10:05", env)[0] == 0
    # A claim of a live run elsewhere (this test's own process stands for it, on another host's name).
    records = ledger(tmp_path / "remote.git")
    claim = {**records[-1], "outcome": "claimed", "message": f"update/{INCIDENT}/2", "run": "other",
             "host": "elsewhere", "pid": 1, "until": "2999-01-01T00:00:00+00:00"}
    lines = "".join(json.dumps(r) + "\n" for r in [*records, claim])
    blob = subprocess.run(["git", "-C", str(notify_site.root), "hash-object", "-w", "--stdin"], input=lines,
                          capture_output=True, text=True, check=True).stdout.strip()
    tree = subprocess.run(["git", "-C", str(notify_site.root), "mktree"], input=f"100644 blob {blob}\tledger.jsonl\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    parent = git(notify_site.root, "rev-parse", "statusgen-notify").strip()
    made = git(notify_site.root, "commit-tree", tree, "-p", parent, "-m", "another run's claim").strip()
    git(notify_site.root, "push", "-q", "origin", f"{made}:refs/heads/statusgen-notify")
    code, out, err = run(notify_site, "2026-12-01 10:25", env)
    assert (code, out) == (0, "notify as of 2026-12-01T10:25:00+00:00: 0 sent, 0 failed\n")
    assert err == f"left to another run: noc: Phone down in North: identified (claimed at {claim['at']})\n"
    assert hook.titles == ["Phone down in North: investigating"]


@pytest.mark.build
def test_two_runs_at_once_never_both_send_an_update(notify_site, hook, tmp_path):
    other = SiteFactory.__new__(SiteFactory)
    other.root = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(other.root))
    env = channels(*(f"c{n},everything=json://127.0.0.1:{hook.port}/c{n}" for n in range(3)))
    for at in ("2026-12-01 10:05", "2026-12-01 11:45"):
        runs = [process(site, at, env) for site in (notify_site, other)]
        outputs = [r.communicate(timeout=120) for r in runs]
        assert [r.returncode for r in runs] == [0, 0], outputs
    sent = [(post["path"], post["title"]) for post in hook.posts]
    assert sorted(sent) == sorted(set(sent))  # none twice
    assert len(sent) == 3 * 4  # per channel: the announcement, then investigating, identified, resolved


# --- the team's reminders ----------------------------------------------------------------------------------------

def test_the_team_is_reminded_before_a_promised_update_and_when_it_is_missed_once_each(notify_site, hook):
    notify_site.incident(f"{INCIDENT}.md", incident_text(resolved=False))
    env = channels(f"team=json://127.0.0.1:{hook.port}/team")
    assert run(notify_site, "2026-12-01 10:25", env)[1] == "notify as of 2026-12-01T10:25:00+00:00: 0 sent, 0 failed\n"
    assert run(notify_site, "2026-12-01 10:52", env)[1] == (
        "sent to team: Next update for 'Calls fail in the north' promised by 11:00 UTC: 8 minutes left\n"
        "notify as of 2026-12-01T10:52:00+00:00: 1 sent, 0 failed\n")
    assert run(notify_site, "2026-12-01 10:55", env)[1] == "notify as of 2026-12-01T10:55:00+00:00: 0 sent, 0 failed\n"
    assert run(notify_site, "2026-12-01 11:01", env)[1] == (
        "sent to team: Next update for 'Calls fail in the north' promised by 11:00 UTC: missed, nothing posted since "
        "10:20 UTC\nnotify as of 2026-12-01T11:01:00+00:00: 1 sent, 0 failed\n")
    assert run(notify_site, "2026-12-01 11:30", env)[1] == "notify as of 2026-12-01T11:30:00+00:00: 0 sent, 0 failed\n"
    assert run(notify_site, "2026-12-01 11:52", env)[1] == (
        "sent to team: Expected resolution of 'Calls fail in the north' given as 12:00 UTC: 8 minutes left\n"
        "notify as of 2026-12-01T11:52:00+00:00: 1 sent, 0 failed\n")
    notify_site.incident(f"{INCIDENT}.md", incident_text(resolved=True))  # closed: nothing more for it
    assert run(notify_site, "2026-12-01 12:30", env)[1] == "notify as of 2026-12-01T12:30:00+00:00: 0 sent, 0 failed\n"
    assert len(hook.posts) == 3


# --- channels and routes given wrong -----------------------------------------------------------------------------

def test_channels_and_routes_given_wrong_are_reported_at_their_lines(notify_site, hook):
    (notify_site.content / "channels.yml").write_text(textwrap.dedent("""\
        channels:
          noc: [everything, component:phon]
          all: [incidents]
          ops: [area:west, sometimes]
    """))
    env = channels("# the NOC", f"noc=json://127.0.0.1:{hook.port}/x", "always=json://127.0.0.1:1/y",
                   "chat=nosuchservice://secret@host")
    code, out, err = run(notify_site, "2026-12-01 10:25", env)
    assert (code, err) == (1, (
        "content/channels.yml:2: channels.noc: unknown component (did you mean phone? expected one of phone, tv, got 'phon')\n"
        "content/channels.yml:3: not a channel name (expected the plain tag of a channel in STATUSGEN_CHANNELS, such "
        "as noc, got 'all')\n"
        "content/channels.yml:4: channels.ops: not a routing tag (expected one of everything, incidents, maintenance, "
        "team, component:<id>, area:<id>, got 'sometimes')\n"
        "content/channels.yml:4: channels.ops: unknown area (expected one of north, south, got 'west')\n"
        "4 problems found; nothing was sent.\n"))
    (notify_site.content / "channels.yml").unlink()
    code, out, err = run(notify_site, "2026-12-01 10:25", env)
    assert (code, err) == (1, (
        "STATUSGEN_CHANNELS:3: tag 'always' is reserved by Apprise (expected a name or one of everything, incidents, "
        "maintenance, team, component:<id>, area:<id>)\n"
        "STATUSGEN_CHANNELS:4: not a channel Apprise can use (expected TAGS=URL with a URL Apprise knows, got "
        "nosuchservice://...)\n"
        "2 problems found; nothing was sent.\n"))
    assert "secret" not in out + err and hook.posts == []
    (notify_site.content / "channels.yml").write_text("channels:\n  noc: [area:west]\n")
    result = CliRunner().invoke(main, ["check", str(notify_site.root)])
    assert (result.exit_code, result.stderr) == (1, "content/channels.yml:2: channels.noc: unknown area "
                                                    "(expected one of north, south, got 'west')\n1 problem found; nothing was built.\n")


def test_a_channels_file_inside_the_repository_is_refused(notify_site):
    inside = notify_site.root / "channels.txt"
    inside.write_text("noc=json://127.0.0.1:1/x\n")
    result = CliRunner().invoke(main, ["notify", str(notify_site.root), "--channels", str(inside)])
    assert result.exit_code == 2
    assert (f"Invalid value for --channels: {inside} is inside the site's repository (expected a file outside it: "
            f"channel URLs hold secrets)") in result.stderr
    result = CliRunner().invoke(main, ["notify", str(notify_site.root)], env={"STATUSGEN_CHANNELS": ""})
    assert result.exit_code == 2
    assert "no channels: set STATUSGEN_CHANNELS (one TAGS=URL a line) or give --channels FILE" in result.stderr


@pytest.fixture
def https_hub(tmp_path, monkeypatch):
    """A WebSub hub on loopback over HTTPS (STATUSGEN_WEBSUB_HUB must be https:), with a certificate made for the
    test and trusted through SSL_CERT_FILE; `received` holds each ping's form."""
    import ssl
    from urllib.parse import parse_qs

    cert, key = tmp_path / "hub.pem", tmp_path / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("ascii")
            received.append({k: v[0] for k, v in parse_qs(body).items()})
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/hub", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_websub_hub_is_pinged_for_the_feeds_of_what_was_sent(notify_site, hook, https_hub):
    url, received = https_hub
    conf = notify_site.root / "pelicanconf.py"
    conf.write_text(conf.read_text() + f"STATUSGEN_WEBSUB_HUB = {url!r}\n")
    commit_all(notify_site.root, "hub")
    env = channels(f"chat,incidents=json://127.0.0.1:{hook.port}/hook")
    assert run(notify_site, "2026-12-01 10:25", env)[0] == 0
    base = "https://status.northwind.example/feeds"
    topics = [ping["hub.url"] for ping in received]
    assert {ping["hub.mode"] for ping in received} == {"publish"}
    assert topics == [f"{base}/all.atom.xml", f"{base}/all.rss.xml", f"{base}/components/phone.atom.xml",
                      f"{base}/components/phone.rss.xml", f"{base}/areas/north.atom.xml", f"{base}/areas/north.rss.xml"]
    received.clear()
    assert run(notify_site, "2026-12-01 10:26", env)[0] == 0  # nothing new sent: no ping
    assert received == []


def test_a_new_user_posts_updates_and_resolves_and_each_update_arrives_once_on_each_channel(tmp_path, mailbox, hook,
                                                                                           monkeypatch):
    """Issue 23's "done when": a site made by `init`, an email and a chat channel in two lines, an incident posted,
    updated and resolved with the posting commands, `notify` after each push (and once more for nothing)."""
    subprocess.run([*GIT, "init", "-q", "--bare", str(tmp_path / "remote.git")], check=True)
    site = tmp_path / "site"
    runner = CliRunner()
    made = runner.invoke(main, ["init", str(site), "--name", "Northwind", "--area", "Millbrook", "--area", "Ashford",
                                "--service", "Phone", "--service", "Fiber internet", "--url",
                                "https://status.northwind.example", "--install", "statusgen==0.1.0"])
    assert made.exit_code == 0, made.output
    conf = site / "pelicanconf.py"
    conf.write_text(conf.read_text() + "STATUSGEN_NOTIFY_RATE_SECONDS = 0\n")
    git(site, "init", "-q")
    git(site, "remote", "add", "origin", str(tmp_path / "remote.git"))
    commit_all(site)
    monkeypatch.chdir(site)
    env = channels(f"customers,everything={mail_url(mailbox)}", f"chat,incidents=json://127.0.0.1:{hook.port}/hook")
    steps = [("2026-12-07T14:00:00Z", ["new", "--title", "Calls fail in Millbrook", "--status", "Phone=major outage",
                                       "--area", "Millbrook", "-m", "We are looking into it.", "--next-update", "+30m"]),
             ("2026-12-07T14:25:00Z", ["update", "2026-12-07-calls-fail-in-millbrook", "--state", "identified",
                                       "-m", "A cut cable; crews are on site.", "--eta", "17:00"]),
             ("2026-12-07T16:40:00Z", ["resolve", "2026-12-07-calls-fail-in-millbrook", "-m", "Calls work again."]),
             ("2026-12-07T16:45:00Z", None)]
    for now, post in steps:
        monkeypatch.setenv("STATUSGEN_NOW", now)
        if post:
            posted = runner.invoke(main, post)
            assert posted.exit_code == 0, posted.output
            commit_all(site, post[0])
        code, out, err = run(SimpleNamespace(root=site), now, env)
        assert (code, err) == (0, "")
    subjects = ["Phone down in Millbrook: investigating", "Phone down in Millbrook: identified",
                "Phone in Millbrook: resolved"]
    assert mailbox.subjects == subjects
    assert [post["title"] for post in hook.posts] == subjects
    assert len({m["Message-ID"] for m in mailbox.messages}) == 3
