"""Subscribing besides the feeds: the ways the settings give (mailing lists, chat rooms) on the home, service and area
pages, the WebSub hub every feed announces, and the ping that tells the hub, against a real HTTP receiver."""
from __future__ import annotations

import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from statusgen import feeds as feeds_module, subscribe, websub
from statusgen.cli import main
from statusgen.load import load_site
from statusgen.urls import Urls
from tests.conftest import BUILD_TIME, ROOT, SiteFactory, serving
from tests.test_cli import run, with_theme
from tests.test_feeds import ATOM_RNC

SITEURL = "https://status.northwind.example"
HUB = "https://hub.northwind.example/"
ATOM = "{http://www.w3.org/2005/Atom}"
SETTINGS = f'''
SITEURL = "{SITEURL}"
STATUSGEN_WEBSUB_HUB = "{HUB}"
STATUSGEN_SUBSCRIBE = [
    {{"title": "Email updates for North", "url": "mailto:north-join@lists.northwind.example?subject=join",
      "areas": ["north"]}},
    {{"title": "Phone outages in our Matrix room", "url": "https://matrix.to/#/#phone:northwind.example",
      "action": "join", "components": ["phone"]}},
    {{"title": "Every update by email", "url": "https://lists.northwind.example/status/"}},
]
'''
INCIDENT = """\
---
title: Calls fail in the North
components:
  phone: major_outage
areas: [north]
updates:
  - at: 2026-11-20 09:20
    state: investigating
    body: Calls fail.
---
"""


def configured(root: Path, extra: str = SETTINGS) -> SiteFactory:
    site = SiteFactory(root / "site")
    with_theme(site)
    (site.root / "pelicanconf.py").write_text((site.root / "pelicanconf.py").read_text() + extra)
    site.incident("2026-11-20-calls.md", INCIDENT)
    return site


def build(site: SiteFactory, output: Path):
    return run("build", str(site.root), "-o", str(output), "--build-time", BUILD_TIME)


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("subscribe")
    result = build(configured(root), root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


def ways(page: Path) -> list[tuple[str, str, str]]:
    """(link text, href, the item's whole text) of each way to subscribe the page lists."""
    root = lxml.html.parse(str(page)).getroot()
    return [(a.text_content(), a.get("href"), li.text_content())
            for li in root.xpath("//section[@class='subscribe']/ul[@class='ways']/li") for a in li.xpath("a")]


SITE_WIDE = ("Every update by email: sign up", "https://lists.northwind.example/status/",
             "Every update by email: sign up")


@pytest.mark.build
def test_the_home_page_shows_the_site_wide_ways(output):
    assert ways(output / "index.html") == [SITE_WIDE]


@pytest.mark.build
def test_a_service_page_shows_its_own_ways_then_the_site_wide_ones(output):
    assert ways(output / "components/phone/index.html") == [
        ("Phone outages in our Matrix room: join", "https://matrix.to/#/#phone:northwind.example",
         "Phone outages in our Matrix room: join"), SITE_WIDE]
    assert ways(output / "components/tv/index.html") == [SITE_WIDE]


@pytest.mark.build
def test_an_area_page_shows_its_mailing_list_with_its_address(output):
    assert ways(output / "areas/north/index.html") == [
        ("Email updates for North: sign up by email", "mailto:north-join@lists.northwind.example?subject=join",
         "Email updates for North: sign up by email (write to north-join@lists.northwind.example)"), SITE_WIDE]
    assert ways(output / "areas/south/index.html") == [SITE_WIDE]


@pytest.mark.build
def test_the_ways_are_in_the_get_updates_section_after_the_feeds(output):
    section = lxml.html.parse(str(output / "areas/north/index.html")).getroot().xpath(
        "//section[@class='subscribe']")[0]
    assert [child.tag for child in section] == ["h2", "p", "ul", "p", "ul"]
    assert section[3].text == "Or have each update sent to you:"
    assert section[2].xpath(".//a[@type='application/atom+xml']")  # the feeds are still there, first


def test_no_ways_where_none_are_configured(example_output):
    for page in ("index.html", "components/phone/index.html", "areas/north-valley/index.html"):
        root = lxml.html.parse(str(example_output / page)).getroot()
        assert root.xpath("//section[@class='subscribe']/ul") and not root.xpath("//ul[@class='ways']"), page


def feeds(output: Path) -> list[Path]:
    return sorted((output / "feeds").rglob("*.xml"))


@pytest.mark.build
def test_every_feed_announces_the_hub_beside_its_self_link(output):
    assert len(feeds(output)) == 2 * (1 + 2 + 2)  # the site's, two services', two areas'
    for path in feeds(output):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        links = {link.rel: link.href for link in parsed.feed.links if link.rel in ("self", "hub")}
        assert links == {"self": f"{SITEURL}/{path.relative_to(output).as_posix()}", "hub": HUB}, path
        channel = etree.parse(str(path)).getroot()
        where = channel if path.name.endswith(".atom.xml") else channel.find("channel")
        assert [link.get("rel") for link in where.findall(f"{ATOM}link")][:2] == ["self", "hub"]


@pytest.mark.build
@pytest.mark.skipif(not shutil.which("jing"), reason="jing not installed: run scripts/install-system-deps.sh as root")
def test_atom_feeds_with_a_hub_are_valid_rfc4287(output):
    files = [str(p) for p in feeds(output) if p.name.endswith(".atom.xml")]
    result = subprocess.run(["jing", "-c", str(ATOM_RNC), *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_no_hub_link_where_none_is_configured(example_output):
    for path in feeds(example_output):
        assert not [link for link in feedparser.parse(path.read_bytes()).feed.links if link.rel == "hub"], path


@pytest.mark.build
def test_the_same_settings_give_the_same_bytes(output, tmp_path):
    again = tmp_path / "again"
    assert build(configured(tmp_path), again).exit_code == 0
    for name in ("index.html", "areas/north/index.html", "components/phone/index.html", "feeds/all.rss.xml",
                 "feeds/areas/north.atom.xml"):
        assert (again / name).read_bytes() == (output / name).read_bytes(), name


# --- settings that cannot be used: one line each, all at once, before anything is built -------------------------

@pytest.mark.parametrize("setting, messages", [
    ('STATUSGEN_SUBSCRIBE = "mailto:join@lists.example.com"',
     ["STATUSGEN_SUBSCRIBE: not a list (expected [{\"title\": \"Email updates for Millbrook\", \"url\": "
      "\"mailto:join@lists.example.com\"}, ...], got 'mailto:join@lists.example.com')"]),
    ('STATUSGEN_SUBSCRIBE = [{"title": "Chat", "url": "javascript:alert(1)"}]',
     ["STATUSGEN_SUBSCRIBE[0].url: not a sign-up address (expected an https:, http: or mailto: address, such as "
      "mailto:join@lists.example.com, got 'javascript:alert(1)')"]),
    ('STATUSGEN_SUBSCRIBE = [{"title": "North", "url": "mailto:", "areas": ["nort", "south", "east"]}]',
     ["STATUSGEN_SUBSCRIBE[0].areas: unknown area (did you mean north? expected one of north, south, got 'nort')",
      "STATUSGEN_SUBSCRIBE[0].areas: unknown area (expected one of north, south, got 'east')",
      "STATUSGEN_SUBSCRIBE[0].url: not a sign-up address (expected an https:, http: or mailto: address, such as "
      "mailto:join@lists.example.com, got 'mailto:')"]),
    ('STATUSGEN_SUBSCRIBE = [{"tittle": "x", "url": "https://x.example", "components": "phone"}, "chat"]',
     ["STATUSGEN_SUBSCRIBE[0].components: not a list of ids (expected a list such as [\"phone\"], got 'phone')",
      "STATUSGEN_SUBSCRIBE[0].title: missing (expected the words readers see, such as \"Email updates for "
      "Millbrook\", got none)",
      "STATUSGEN_SUBSCRIBE[0]: unknown key (expected one of title, url, action, components, areas, got 'tittle')",
      "STATUSGEN_SUBSCRIBE[1]: not a mapping (expected {\"title\": \"Email updates for Millbrook\", \"url\": "
      "\"mailto:join@lists.example.com\"}, got 'chat')"]),
    ('STATUSGEN_SUBSCRIBE = [{"title": "TV\\nnews", "url": "https://x.example", "components": ["radio"]}]',
     ["STATUSGEN_SUBSCRIBE[0].components: unknown service (expected one of phone, tv, got 'radio')",
      "STATUSGEN_SUBSCRIBE[0].title: not text on one line (expected the words readers see, such as \"Email "
      "updates for Millbrook\", got 'TV\\nnews')"]),
    ('STATUSGEN_WEBSUB_HUB = "http://hub.example/"',
     ["STATUSGEN_WEBSUB_HUB: not a hub address (expected an https: address such as "
      "https://pubsubhubbub.appspot.com/, got 'http://hub.example/')"]),
])
def test_a_subscribe_setting_that_cannot_be_used_is_one_line_each(tmp_path, setting, messages):
    site = configured(tmp_path, "\n" + setting + "\n")
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    line = len((site.root / "pelicanconf.py").read_text().splitlines())
    conf = site.root / "pelicanconf.py"
    assert result.output.splitlines()[:len(messages)] == [f"{conf}:{line}: {m}" for m in messages]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("setting, messages", [
    ('STATUSGEN_SUBSCRIBE = [{"title": "North", "url": "https://x.example/", "areas": ["nort"]}]',
     ["STATUSGEN_SUBSCRIBE[0].areas: unknown area (did you mean north? expected one of north, south, got 'nort')"]),
    ('STATUSGEN_WEBSUB_HUB = "http://hub.example/"',
     ["STATUSGEN_WEBSUB_HUB: not a hub address (expected an https: address such as "
      "https://pubsubhubbub.appspot.com/, got 'http://hub.example/')"]),
])
def test_check_reports_what_the_build_would_refuse(tmp_path, setting, messages):
    """`check` passing means `build` succeeds: the settings the pages show are checked by both, alike."""
    site = configured(tmp_path, "\n" + setting + "\n")
    conf = site.root / "pelicanconf.py"
    line = len(conf.read_text().splitlines())
    result = CliRunner().invoke(main, ["check", str(site.root)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:len(messages)] == [f"{conf}:{line}: {m}" for m in messages]


def test_ways_are_read_in_order_and_shown_own_first():
    read = subscribe.read({"STATUSGEN_SUBSCRIBE": [
        {"title": "All", "url": "https://lists.example.com/all"},
        {"title": "Phone", "url": "mailto:phone%2Bjoin@lists.example.com", "components": ["phone"]},
        {"title": "North", "url": "https://chat.example.com/north", "areas": ["north"], "action": "join"}]})
    everything, phone, north = read.ways
    assert (phone.action, phone.address, north.action, read.hub) == ("sign up by email",
                                                                      "phone+join@lists.example.com", "join", None)
    assert read.for_page(("home", None)) == (everything,)
    assert read.for_page(("component", "phone")) == (phone, everything)
    assert read.for_page(("area", "north")) == (north, everything)
    assert read.for_page(("area", "south")) == (everything,)
    assert subscribe.read({}) == subscribe.Subscribing()


# --- the ping -----------------------------------------------------------------------------------------------------

class Hub(BaseHTTPRequestHandler):
    """A hub on loopback: keeps each request's path, content type and form, and answers with the server's `status`."""

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, self.headers["Content-Type"], parse_qs(body.decode("ascii"))))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.send_header("Location", "/elsewhere")  # only a redirect (3xx) means anything by it
        self.end_headers()

    def do_GET(self):  # noqa: N802 - what urllib would send after a redirect
        self.server.received.append((self.path, None, {}))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def hub():
    """(server, its URL): set server.status for its answers; server.received holds what it was sent."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    server.received, server.status = [], 204
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/hub"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


TOPICS = [f"{SITEURL}/feeds/all.atom.xml", f"{SITEURL}/feeds/all.rss.xml", f"{SITEURL}/feeds/areas/north.atom.xml"]


def test_the_topics_are_the_feeds_that_show_the_incidents():
    site = load_site(ROOT / "content", "America/Chicago")
    every = feeds_module.site_feeds(site, Urls().url)
    incident = site.incidents[0]
    expected = ["all", *(f"components/{c}" for c in incident.all_components()), *(f"areas/{a}" for a in incident.areas)]
    found = websub.topics(every, [incident, incident], "https://status.example.com/")
    assert sorted(found) == sorted(f"https://status.example.com/feeds/{key}.{ext}.xml" for key in expected
                                   for ext in ("atom", "rss"))
    assert found[:2] == [f"https://status.example.com/feeds/all.{ext}.xml" for ext in ("atom", "rss")]
    assert websub.topics(every, [], "https://status.example.com") == []


def test_each_changed_feed_is_pinged_once_form_encoded(hub):
    server, url = hub
    assert websub.ping(url, [*TOPICS, TOPICS[0]], timeout=10) == []
    assert server.received == [("/hub", "application/x-www-form-urlencoded",
                                {"hub.mode": ["publish"], "hub.url": [topic], "hub.topic": [topic]})
                               for topic in TOPICS]


def test_a_hub_that_answers_5xx_is_a_failure_for_each_feed(hub):
    server, url = hub
    server.status = 503
    failures = websub.ping(url, TOPICS[:2], timeout=10)
    assert failures == [websub.Failure(topic, "HTTP 503 Service Unavailable") for topic in TOPICS[:2]]
    assert str(failures[0]) == (f"{TOPICS[0]}: the hub did not take the ping (HTTP 503 Service Unavailable)")
    assert len(server.received) == 2  # the second was still tried


def test_a_hub_that_redirects_is_a_failure_not_a_get_that_succeeds(hub):
    server, url = hub
    server.status = 301  # with a Location header, urllib would follow it with a GET and see a 200
    assert websub.ping(url, TOPICS[:1], timeout=10) == [websub.Failure(TOPICS[0], "HTTP 301 Moved Permanently")]
    assert len(server.received) == 1


def test_a_hub_that_is_not_there_is_a_failure_not_an_exception(hub):
    server, url = hub
    server.shutdown()
    server.server_close()  # the port is free now: nothing listens there
    assert websub.ping(url, TOPICS[:1], timeout=10) == [websub.Failure(TOPICS[0], "Connection refused")]


def test_the_hub_adds_one_line_to_an_rss_feed_and_changes_nothing_else(example_output):
    rss = (example_output / "feeds/all.rss.xml").read_bytes()
    lines = feeds_module.with_hub(rss, HUB).splitlines(keepends=True)
    assert lines.pop(lines.index(f'    <atom:link href="{HUB}" rel="hub"/>\n'.encode())) and b"".join(lines) == rss


# --- in a real browser: the links by their accessible names, and axe ---------------------------------------------

@pytest.mark.build
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_ways_are_links_named_for_what_they_are_and_pass_axe(browser, output, scheme):
    from axe_playwright_python.sync_playwright import Axe

    from tests.test_browser import AXE_OPTIONS

    context = browser.new_context(color_scheme=scheme)  # axe runs as a script: the ways are links either way
    try:
        page = context.new_page()
        with serving(output) as port:
            for path, name in [("/", "Every update by email: sign up"),
                               ("/areas/north/", "Email updates for North: sign up by email"),
                               ("/components/phone/", "Phone outages in our Matrix room: join")]:
                page.goto(f"http://127.0.0.1:{port}{path}")
                assert page.get_by_role("link", name=name, exact=True).count() == 1, (path, name)
                violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
                assert [v["id"] for v in violations] == [], path
    finally:
        context.close()
