"""Many runs of `statusgen notify` over a generated site: messages sent, duplicates and misses.

A site of a few hundred updates (incidents and maintenance spread over some days), a ledger in a real git
repository with a bare remote, three channels on loopback (an SMTP server, a JSON webhook that always answers, and
one that fails a share of its requests with 500), and a run at every step of a schedule through that time; every
few steps two runs at once from two clones, and now and then a run killed after sending and before recording (its claims
are then uncertain: the next run past their lease sends them again, marked as possibly repeated). Then runs with
every receiver healthy until nothing is left to retry. Counts what each receiver got: every update once per
channel, repeats only where marked, is the goal.

    .venv/bin/python bench/notify_bench.py                  (about 450 updates, 5 days, a run every 30 minutes)
    .venv/bin/python bench/notify_bench.py --incidents 20 --days 1 --every 60    (a few seconds)
"""
from __future__ import annotations

import argparse
import email
import email.policy
import json
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statusgen import notify  # noqa: E402
from statusgen.load import load_site  # noqa: E402
from statusgen.messages import Wording  # noqa: E402

START = datetime(2026, 12, 1, tzinfo=timezone.utc)
CATALOG = """\
areas:
  - {id: north, name: North}
  - {id: south, name: South}
components:
  - {id: phone, name: Phone}
  - {id: internet, name: Internet}
  - {id: tv, name: TV, areas: [south]}
"""
GIT = ["git", "-c", "user.email=bench@example.org", "-c", "user.name=Bench", "-c", "init.defaultBranch=main"]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ")


def generate(content: Path, incidents: int, days: int, rng: random.Random) -> int:
    """Incident and maintenance files spread over `days`; the number of updates written."""
    (content / "incidents").mkdir(parents=True)
    (content / "components.yml").write_text(CATALOG)
    updates = 0
    for n in range(incidents):
        began = START + timedelta(minutes=rng.randrange(30, days * 24 * 60 - 6 * 60))
        component = rng.choice(["phone", "internet", "tv"])
        if n % 5 == 4:  # maintenance: announced, maybe moved, started, ended
            start = began + timedelta(hours=rng.randrange(1, 4))
            lines = [f"  - {{at: {stamp(began)}, state: scheduled, body: Work planned {n}.}}"]
            if rng.random() < 0.3:
                lines.append(f"  - {{at: {stamp(began + timedelta(minutes=20))}, state: scheduled, body: Moved {n}.}}")
            lines.append(f"  - {{at: {stamp(start)}, state: in_progress, body: Work begun {n}.}}")
            lines.append(f"  - {{at: {stamp(start + timedelta(minutes=50))}, state: completed, body: Done {n}.}}")
            head = (f"kind: maintenance\nwindow: {{start: {stamp(start)}, end: {stamp(start + timedelta(hours=1))}}}\n"
                    f"components: {{{component}: under_maintenance}}\n")
        else:
            states = ["investigating", *rng.sample(["identified", "monitoring"], rng.randrange(0, 3)), "resolved"]
            states = ["investigating"] + [s for s in ["identified", "monitoring"] if s in states] + ["resolved"]
            at, lines = began, []
            for state in states:
                lines.append(f"  - {{at: {stamp(at)}, state: {state}, body: Update {n} {state}.}}")
                at += timedelta(minutes=rng.randrange(10, 120))
            head = f"components: {{{component}: {rng.choice(['major_outage', 'partial_outage'])}}}\n"
        updates += len(lines)
        text = f"---\ntitle: Trouble {n}\n{head}updates:\n" + "\n".join(lines) + "\n---\n"
        (content / "incidents" / f"{began:%Y-%m-%d}-trouble-{n}.md").write_text(text)
    return updates


class Hook(BaseHTTPRequestHandler):
    """A JSON webhook; the server's `fail` share of requests gets a 500."""

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server = self.server
        with server.lock:
            failing = server.rng.random() < server.fail
            if not failing:
                # the link (one per update), and whether it came marked as possibly repeated
                server.got.append((body["message"].splitlines()[-1], body["title"].startswith("(possibly")))
        self.send_response(500 if failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def hook_server(fail: float, seed: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.fail, server.rng, server.got, server.lock = fail, random.Random(seed), [], threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Killed(Exception):
    """The run "dies" here: after sending, before recording."""


class Killable(notify.Ledger):
    """A ledger whose second write (the outcomes) never happens, as when the process is killed then."""

    writes = 0

    def append(self, records, records_before, what):
        self.writes += 1
        if self.writes == 2:
            raise Killed()
        super().append(records, records_before, what)


class Mailbox:
    def __init__(self):
        self.got: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.got.append((mail["Message-ID"], mail["X-Statusgen-Repeated"] is not None))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clone(bare: Path, folder: Path) -> Path:
    subprocess.run([*GIT, "clone", "-q", str(bare), str(folder)], check=True, capture_output=True)  # "empty": yes
    return folder


def main(argv: list[str] | None = None) -> dict[str, int]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=110)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--every", type=int, default=30, help="minutes between two scheduled runs")
    parser.add_argument("--fail", type=float, default=0.3, help="share of requests the failing receiver fails")
    parser.add_argument("--kill", type=float, default=0.05,
                        help="share of runs killed after sending, before recording (their claims become uncertain)")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    from aiosmtpd.controller import Controller

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run([*GIT, "init", "-q", "--bare", str(work / "remote.git")], check=True)
        site_folder = work / "site"
        updates = generate(site_folder / "content", args.incidents, args.days, rng)
        subprocess.run([*GIT, "init", "-q", str(site_folder)], check=True)
        subprocess.run([*GIT, "-C", str(site_folder), "remote", "add", "origin", str(work / "remote.git")], check=True)
        other = clone(work / "remote.git", work / "other")  # a second CI runner's clone
        site = load_site(site_folder / "content")

        box = Mailbox()
        smtp = Controller(box, hostname="127.0.0.1", port=free_port())
        smtp.start()
        steady, flaky = hook_server(0.0, args.seed), hook_server(args.fail, args.seed + 1)
        text = "\n".join([
            f"mail,everything=mailto://127.0.0.1:{smtp.port}?from=status@example.com&to=all@example.com",
            f"steady,everything=json://127.0.0.1:{steady.server_address[1]}/steady",
            f"flaky,everything=json://127.0.0.1:{flaky.server_address[1]}/flaky"])
        settings = notify.Settings(words=Wording(site_name="Bench", site_url="https://status.bench.example",
                                                 authority="status.bench.example"), rate=0.0)
        counts = Counter()
        began = time.perf_counter()

        def one_run(folder: Path, when: datetime, kill: bool = False) -> None:
            channels = notify.read_channels(text, "bench", site.catalog, {})
            ledger = Killable(folder, "origin") if kill else notify.Ledger(folder, "origin")
            try:  # the wall clock a run sees (for leases) moves with the schedule: a minute after its build time
                outcome = notify.run(site, when, channels, ledger, settings, clock=lambda: when + timedelta(minutes=1))
            except Killed:
                counts["runs killed before recording"] += 1
                return
            counts["runs"] += 1
            counts["sends attempted"] += len(outcome.sent) + len(outcome.failed)
            counts["failed sends (retried)"] += len(outcome.failed)
            counts["runs exiting 1"] += bool(outcome.failed)
            counts["uncertain"] += len(outcome.uncertain)
            counts["left to the other run"] += len(outcome.left)

        when, step = START - timedelta(minutes=1), 0
        end = START + timedelta(days=args.days)
        while when <= end:
            if step % 7 == 3:  # two runs at once, from two clones (two pushes in a row)
                both = [threading.Thread(target=one_run, args=(folder, when)) for folder in (site_folder, other)]
                for thread in both:
                    thread.start()
                for thread in both:
                    thread.join()
            else:
                one_run(site_folder, when, kill=rng.random() < args.kill)
            when += timedelta(minutes=args.every)
            step += 1
        flaky.fail = 0.0  # the failing receiver recovers: the next runs send what it missed
        for _ in range(3):
            one_run(site_folder, end)
        seconds = time.perf_counter() - began
        smtp.stop()
        for server in (steady, flaky):
            server.shutdown()
            server.server_close()

    expected = updates
    figures = {"updates": updates, **counts, "seconds": round(seconds, 1)}
    for name, got in (("mail", box.got), ("steady", steady.got), ("flaky", flaky.got)):
        seen = Counter(key for key, _ in got)
        figures[f"{name}: received"] = len(got)
        unmarked = Counter(key for key, marked in got if not marked)
        figures[f"{name}: duplicates"] = sum(n - 1 for n in unmarked.values())  # copies not marked as such
        figures[f"{name}: repeats marked"] = sum(1 for _, marked in got if marked)
        figures[f"{name}: missed"] = expected - len(seen)
    if not args.quiet:
        for name, value in figures.items():
            print(f"{name:28} {value}")
    return figures


if __name__ == "__main__":
    main()
