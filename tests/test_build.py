"""End to end: the example site built with the real Pelican, each page kind parsed and checked against the content."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from statusgen.load import load_site
from tests.conftest import ROOT

FIBER_CUT = "2026-08-29-fiber-cut-phone-outage"
OPEN = "2026-11-22-cedar-falls-fixed-wireless-outage"
UPCOMING = "2026-11-20-lake-city-hub-switch-replacement"


def page(output: Path, path: str):
    return lxml.html.parse(str(output / path)).getroot()


def text(el) -> str:
    return " ".join(el.text_content().split())


@pytest.fixture(scope="module")
def model():
    return load_site(ROOT / "content", "America/Chicago")


def facts(dl) -> dict[str, str]:
    """A definition list as {term: description}."""
    return dict(zip((text(d) for d in dl.xpath("./dt")), (text(d) for d in dl.xpath("./dd"))))


def all_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def test_every_page_is_written_and_nothing_else(example_output, model):
    written = {p.relative_to(example_output).as_posix() for p in all_pages(example_output)}
    expected = {"index.html", "history/index.html", "uptime/index.html", "404.html"}
    expected |= {f"incidents/{i.id}/index.html" for i in model.incidents}
    expected |= {f"components/{c.id}/index.html" for c in model.catalog.components}
    expected |= {f"areas/{a.id}/index.html" for a in model.catalog.areas}
    assert written == expected  # no Pelican article, category or tag pages beside ours


def test_every_page_says_how_current_it_is_and_every_time_has_its_zone(example_output, model):
    built = datetime.fromisoformat("2026-11-22T15:00:00-06:00")
    final = {i.id: i.ended for i in model.incidents if i.ended is not None and i.ended <= built}
    assert len(final) > 5 and OPEN not in final and UPCOMING not in final
    for path in all_pages(example_output):
        root = page(example_output, path.relative_to(example_output).as_posix())
        as_of = root.xpath('//footer//p[@class="as-of"]/time')
        if path.name == "404.html":
            # Served at any address: its stylesheet from the domain root (no inline style: the policy allows none)
            assert not root.xpath("//style") and root.xpath('//link[@rel="stylesheet"]/@href')[0].startswith("/theme/")
        closed = final.get(path.parent.name) if path.parent.parent.name == "incidents" else None
        # A closed incident's page is its complete record: it says when its last update closed it, and is the
        # same whenever it is built. Every other page says when it was built.
        assert [datetime.fromisoformat(t.get("datetime")) for t in as_of] == [closed or built], path
        words = text(root.xpath('//footer//p[@class="as-of"]')[0])
        assert ("complete record" in words) == bool(closed) and ("when it was built" in words) != bool(closed), path
        for t in root.xpath("//time"):
            moment = datetime.fromisoformat(t.get("datetime"))
            assert moment.utcoffset() is not None, path
            assert t.text.endswith((" CST", " CDT")), (path, t.text)
        assert root.xpath("//html/@lang") == ["en"]
        # The one script is the optional stale-page notice, only while something is open; nothing needs it.
        assert [src.split("/")[-1].split(".")[0] for src in root.xpath("//script/@src")] in ([], ["stale"]), path
        assert not root.xpath("//script[not(@src)]"), path


def test_home_page(example_output):
    root = page(example_output, "index.html")
    assert text(root.xpath("//h1")[0]) == "Fixed wireless internet partly down in Cedar Falls"
    assert text(root.xpath('//section[@aria-labelledby="overall-h"]/p[@class="indicator"]')[0]) == \
        "◈ Partial system outage"  # the overall indicator, second, with its own symbol (not a service's ◆)
    happening = root.xpath('//section[@aria-labelledby="open-h"]')[0]
    cards = happening.xpath(".//article")
    assert [c.xpath(".//h3/a/@href")[0] for c in cards] == [f"./incidents/{OPEN}/"]
    card = text(cards[0])
    assert "Identified" in card and "Major impact" in card
    assert "Work on the water tower needs our climbing crew" in card  # the latest update
    assert facts(cards[0].xpath('.//dl[contains(@class, "promises")]')[0]) == {
        "Expected resolution": "Nov 22, 2026, 23:00 CST", "Next update": "by Nov 22, 2026, 16:00 CST"}
    assert "Fixed wireless internet: ◆ Partial outage" in card
    upcoming = root.xpath('//section[@aria-labelledby="upcoming-h"]//article//h3/a/@href')
    assert upcoming == [f"./incidents/{UPCOMING}/"]
    services = {text(li.xpath("./a")[0]): " ".join(text(x) for x in li.xpath("./a | ./span"))
                for li in root.xpath('//section[@aria-labelledby="components-h"]//ul[@class="statuses"]/li')}
    assert len(services) == 8
    assert services["Fixed wireless internet"].endswith("◆ Partial outage in Cedar Falls")
    assert services["Home phone"].endswith("✓ Operational")
    groups = [text(h) for h in root.xpath('//section[@aria-labelledby="components-h"]//h3')]
    assert groups == ["Internet", "Phone", "Customer care"]
    areas = {text(li.xpath("./a")[0]): text(li) for li in root.xpath('//section[@aria-labelledby="areas-h"]//li')}
    assert areas == {"North Valley": "North Valley ✓ Operational", "Cedar Falls": "Cedar Falls ◆ Partial outage: Fixed wireless internet",
                     "Lake City": "Lake City ✓ Operational", "Pine Ridge": "Pine Ridge ✓ Operational"}
    recent = root.xpath('//section[@aria-labelledby="recent-h"]//ul[@class="rows"]/li')
    assert [text(li) for li in recent] == [  # resolved within 14 days of the build; the October one is older
        "Outgoing email delayed by up to an hour Resolved · Minor impact, Nov 17, 2026, 13:55 CST, lasted 2 h 35 min"]


def test_incident_page_has_the_whole_timeline(example_output, model):
    incident = next(i for i in model.incidents if i.id == FIBER_CUT)
    root = page(example_output, f"incidents/{FIBER_CUT}/index.html")
    assert text(root.xpath("//h1")[0]) == "Calls fail in all four towns after a fiber cut"
    shown = facts(root.xpath("//article/dl[1]")[0])
    assert shown["Began"] == "Aug 29, 2026, 09:05 CDT"
    assert shown["Resolved"] == "Aug 29, 2026, 17:40 CDT"
    assert shown["Duration"] == "8 h 35 min"
    assert shown["Ticket"] == "NOC-4471"
    assert shown["Services"] == "Home phone: ✓ Recovered"  # as the incident left it, whatever came since
    assert shown["Areas"] == "North Valley, Cedar Falls, Lake City, Pine Ridge"
    updates = root.xpath('//ol[@class="timeline"]/li')
    assert [u.get("id") for u in updates] == [f"update-{n}" for n in range(len(incident.updates), 0, -1)]
    assert [u.xpath(".//h3//time/@datetime")[0] for u in updates] == [u.at.isoformat() for u in reversed(incident.updates)]
    assert text(updates[-1].xpath(".//h3/span[@class='state']")[0]) == "Investigating"
    assert "Next update by Aug 29, 2026, 10:00 CDT." in text(updates[-1])
    assert "Home phone: ◆ Partial outage" in text(root.xpath('//li[@id="update-3"]')[0])
    summary = root.xpath('//section[@class="summary"]')[0]
    assert summary.xpath(".//h3") or summary.xpath(".//h2[not(@id)]")  # Markdown headings sit under the page's
    assert summary.xpath(".//ul/li") and summary.xpath(".//ol/li")


def test_open_incident_page_shows_promises(example_output):
    root = page(example_output, f"incidents/{OPEN}/index.html")
    assert "Identified" in text(root.xpath('//p[@class="meta"]')[0])
    promises = facts(root.xpath('//dl[contains(@class, "promises")]')[0])
    assert promises == {"Expected resolution": "Nov 22, 2026, 23:00 CST", "Next update": "by Nov 22, 2026, 16:00 CST"}
    shown = facts(root.xpath("//article/dl[1]")[0])
    assert "so far" in shown["Duration"]
    assert shown["Affected"] == "Fixed wireless internet: ◆ Partial outage"  # as its latest update left it


def test_component_and_area_pages(example_output, model):
    root = page(example_output, "components/fixed-wireless/index.html")
    assert text(root.xpath("//h1")[0]) == "Fixed wireless internet"
    by_area = [text(li) for li in root.xpath('//section[@aria-labelledby="where-h"]//li')]
    assert by_area == ["Cedar Falls ◆ Partial outage", "Pine Ridge ✓ Operational"]
    assert root.xpath('//section[@aria-labelledby="open-h"]//article//h3/a/@href') == [f"../../incidents/{OPEN}/"]
    past = root.xpath('//section[@aria-labelledby="past-h"]//li/a/@href')
    touching = [i for i in model.incidents if "fixed-wireless" in i.all_components() and i.id != OPEN]
    assert past == [f"../../incidents/{i.id}/" for i in sorted(touching, key=lambda i: i.began, reverse=True)]

    root = page(example_output, "areas/lake-city/index.html")
    assert text(root.xpath("//h1")[0]) == "Lake City"
    services = '//section[@aria-labelledby="services-h"]/ul[@class="statuses"]/li'  # (not the bars' key below)
    offered = [text(li.xpath("./a")[0]) for li in root.xpath(services)]
    assert offered == [c.name for c in model.catalog.components if "lake-city" in c.areas]
    assert root.xpath('//section[@aria-labelledby="upcoming-h"]//h3/a/@href') == [f"../../incidents/{UPCOMING}/"]
    assert "Fixed wireless internet" not in offered


def test_history_lists_everything_by_month(example_output, model):
    root = page(example_output, "history/index.html")
    months = [text(h) for h in root.xpath("//main//section[starts-with(@aria-labelledby, 'month-')]/h2")]
    assert months[0] == "December 2026" and months[-1] == "December 2025"  # the upcoming window is in December
    links = root.xpath("//main//ul[@class='rows']/li/a/@href")
    assert sorted(links) == sorted(f"../incidents/{i.id}/" for i in model.incidents)
    cancelled = [text(li) for li in root.xpath("//main//ul[@class='rows']/li") if "phone-switch-software-update" in li.xpath("./a/@href")[0]]
    assert "Cancelled" in cancelled[0] and "Completed" not in cancelled[0]


def test_first_update_shows_the_statuses_the_incident_opened_with(example_output):
    root = page(example_output, f"incidents/{FIBER_CUT}/index.html")
    assert text(root.xpath('//li[@id="update-1"]//p[@class="changes"]')[0]) == "Home phone: ✕ Major outage"
    assert not root.xpath('//li[@id="update-2"]//p[@class="changes"]')


@pytest.mark.parametrize("page, calendar", [
    ("index.html", "calendar/maintenance.ics"),
    ("components/phone/index.html", "calendar/components/phone.ics"),
    ("areas/lake-city/index.html", "calendar/areas/lake-city.ics"),
])
def test_pages_offer_their_maintenance_calendar(example_output, page, calendar):
    import icalendar

    root = lxml.html.parse(str(example_output / page)).getroot()
    links = root.xpath('//section[@class="subscribe"]//a[@type="text/calendar"]/@href')
    assert len(links) == 1
    target = ((example_output / page).parent / links[0]).resolve()
    assert target == (example_output / calendar).resolve()
    parsed = icalendar.Calendar.from_ical(target.read_bytes())
    assert all(str(e["UID"]).endswith("@status.lakeshore.example") for e in parsed.walk("VEVENT"))


def test_maintenance_calendar_of_the_example(example_output, model):
    import icalendar

    parsed = icalendar.Calendar.from_ical((example_output / "calendar/maintenance.ics").read_bytes())
    events = {str(e["UID"]).split("@")[0]: e for e in parsed.walk("VEVENT")}
    assert sorted(events) == sorted(i.id for i in model.incidents if i.is_maintenance)
    assert str(events["2026-04-14-phone-switch-software-update"]["STATUS"]) == "CANCELLED"
    upcoming = events[UPCOMING]
    assert upcoming.decoded("DTSTART").isoformat() == "2026-12-03T07:00:00+00:00"
    assert str(upcoming["STATUS"]) == "CONFIRMED" and int(upcoming["SEQUENCE"]) == 0


@pytest.mark.build
def test_history_shows_quiet_months_too(site):
    from tests.test_cli import GOOD, run, with_theme

    with_theme(site)
    site.incident("2026-05-29-calls.md", GOOD.replace("2026-08-29", "2026-05-29"))
    out = site.root / "output"
    assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-02 12:00Z").exit_code == 0
    root = page(out, "history/index.html")
    sections = root.xpath("//main//section[starts-with(@aria-labelledby, 'month-')]")
    assert [(text(s.xpath("./h2")[0]), text(s.xpath("./*[2]")[0])) for s in sections] == [
        ("August 2026", "No incidents or maintenance."), ("July 2026", "No incidents or maintenance."),
        ("June 2026", "No incidents or maintenance."),
        ("May 2026", "Calls fail <in> \"North\" & café Investigating · Critical impact, May 29, 2026, 09:05 UTC")]


def test_badges_are_written_for_the_site_every_component_and_area(example_output, model):
    from lxml import etree

    names = {"badges/status.svg"} | {f"badges/components/{c.id}.svg" for c in model.catalog.components} \
        | {f"badges/areas/{a.id}.svg" for a in model.catalog.areas}
    assert {p.relative_to(example_output).as_posix() for p in (example_output / "badges").rglob("*.svg")} == names
    svg = etree.parse(str(example_output / "badges/components/fixed-wireless.svg")).getroot()
    assert svg.get("aria-label") == "Fixed wireless internet: partial outage"


def test_uptime_page_shows_every_month_against_its_target_bad_months_included(example_output, model):
    root = page(example_output, "uptime/index.html")
    sections = {text(s.xpath("./h2")[0]): s for s in root.xpath("//main//section[starts-with(@aria-labelledby, 'uptime-')]")}
    assert list(sections) == [c.name for c in model.catalog.components]
    phone = sections["Home phone"]
    rows = {text(tr.xpath("./th")[0]): [text(td) for td in tr.xpath("./td")] for tr in phone.xpath(".//tbody/tr")}
    assert list(rows)[0] == "November 2026" and list(rows)[-1] == "December 2025" and len(rows) == 12
    assert rows["August 2026"] == ["99.535%", "✕ Missed 99.95%", "3 h 27 min"]  # the fiber cut
    assert rows["October 2026"] == ["100.000%", "✓ Met 99.95%", "0 min"]
    support = sections["Support line"]  # no target: said so, never "met"
    assert "No uptime target." in text(support.xpath("./p")[0])
    assert {tds[1] for tds in ([text(td) for td in tr.xpath("./td")] for tr in support.xpath(".//tbody/tr"))} == {"—"}


def test_uptime_page_opens_with_a_grid_of_services_by_month_breaches_in_words(example_output, model):
    root = page(example_output, "uptime/index.html")
    region = root.xpath("//main//*[@role='region'][1]")[0]
    assert region.get("tabindex") == "0" and region.get("aria-label") == "Uptime of every service by month"
    grid = region.xpath("./table")[0]
    assert root.xpath("//main//table")[0] is grid  # first, before the promises and the detail
    assert text(grid.xpath("./caption")[0]) == "Uptime of every service by month, the current month first"
    heads = [th for th in grid.xpath("./thead/tr/th")]
    assert all(th.get("scope") == "col" for th in heads)
    assert [text(th) for th in heads][:3] == ["Service and monthly target", "Nov 2026", "Oct 2026"]
    assert len(heads) == 13 and heads[1].xpath("./abbr/@title") == ["November 2026"]
    rows = {text(tr.xpath("./th[@scope='row']/a")[0]): (text(tr.xpath("./th[@scope='row']/span")[0]),
                                                        [text(td) for td in tr.xpath("./td")])
            for tr in grid.xpath("./tbody/tr")}
    assert list(rows) == [c.name for c in model.catalog.components]
    target, phone = rows["Home phone"]
    assert target == "99.95%" and len(phone) == 12
    assert phone[:4] == ["100%", "100%", "100%", "99.535% ✕ Missed"]  # August: the fiber cut
    assert rows["Support line"][0] == "no target" and "✕ Missed" not in " ".join(rows["Support line"][1])
    assert grid.xpath("./tbody/tr/th/a/@href")[0] == "#uptime-fiber-broadband"


def test_home_page_has_a_90_day_strip_per_service_with_words(example_output, model):
    raw = (example_output / "index.html").read_bytes()
    root = lxml.html.fromstring(raw)
    strips = root.xpath("//section[@aria-labelledby='components-h']//svg[@class='bars']")
    assert len(strips) == len(model.catalog.components)
    labels = [s.get("aria-label") for s in strips]
    assert labels[4] == "Home phone, last 90 days: 99.839% uptime, downtime on 1 day"
    assert all(s.get("role") == "img" and len(days_drawn(s)) == 90 for s in strips)
    # Home phone's one day with downtime is drawn as downtime, full height, whatever its share of the day
    assert [k for k, x in days_drawn(strips[4]) if k != "k-ok"] == ["k-down"]
    # and said in words, in the disclosure under it, linking to that day on the service's page
    details = strips[4].xpath("./ancestor::li[1]//details[@class='days']")[0]
    assert text(details.xpath("./summary")[0]) == "1 day with trouble or maintenance for Home phone"
    assert [(text(a), a.get("href")) for a in details.xpath(".//li/a")] == [
        ("Aug 29: major outage", "./components/phone/#d2026-08-29")]
    day = page(example_output, "components/phone/index.html").xpath('//li[@id="d2026-08-29"]')[0]
    # 2 h 20 min major, 3 h 45 min partial at 30%
    assert text(day) == "Aug 29: major outage, 85.6% up: Calls fail in all four towns after a fiber cut"
    assert day.xpath("./a/@href") == [f"../../incidents/{FIBER_CUT}/"]
    key = root.xpath("//section[@aria-labelledby='components-h']//div[@class='bars-key']//li")
    assert [text(li) for li in key] == ["No downtime", "Outage (downtime)", "Slow or degraded", "Maintenance", "No data"]


def days_drawn(svg) -> list[tuple[str, str]]:
    """(kind, x) of each day a strip draws: each day's stroke starts at the baseline (y 28, or 27.5 for a hollow one)."""
    import re

    return sorted(((p.get("class").split()[0], x) for p in svg.xpath(".//*[local-name()='path']")
                   for x in re.findall(r"M([\d.]+) (?:28|27\.5)V", p.get("d"))), key=lambda d: float(d[1]))


def figures_shown(root) -> list[str]:
    return [text(li) for li in root.xpath('//section[@class="figures"]//li')]


def test_incident_pages_show_the_promises_kept_and_broken_as_computed_by_hand(example_output):
    # The fiber cut began 09:05 (started); the updates came 09:20, 09:58, 11:25, 13:05, 15:10, 17:40, each
    # promising the next by 10:00, 11:30, 13:00, 15:00, 18:00; the ETA given with the first was 18:00, and the
    # 15:10 update said calls work again.
    assert figures_shown(page(example_output, f"incidents/{FIBER_CUT}/index.html")) == [
        "Began 09:05, first update 09:20: 15 minutes to acknowledge.",
        "Update promised by 10:00, posted 09:58: kept, 2 minutes early.",
        "Update promised by 11:30, posted 11:25: kept, 5 minutes early.",
        "Update promised by 13:00, posted 13:05: 5 minutes late.",
        "Update promised by 15:00, posted 15:10: 10 minutes late.",
        "Update promised by 18:00, posted 17:40: kept, 20 minutes early.",
        "Expected resolution 18:00, service back 15:10: met, 2 hours 50 minutes early. The ETA never moved.",
    ]
    # Still open at the build (15:00 CST): began 08:10, updates 08:32, 09:20, 11:05, 14:00; next due 16:00.
    assert figures_shown(page(example_output, f"incidents/{OPEN}/index.html")) == [
        "Began 08:10, first update 08:32: 22 minutes to acknowledge.",
        "Update promised by 09:30, posted 09:20: kept, 10 minutes early.",
        "Update promised by 11:00, posted 11:05: 5 minutes late.",
        "Update promised by 14:00, posted 14:00: on time.",
        "Update promised by 16:00: not due yet.",
        "Expected resolution 23:00: not reached yet. The ETA never moved.",
    ]


def test_a_timeline_step_after_recovery_says_what_recovered(example_output):
    root = page(example_output, f"incidents/{FIBER_CUT}/index.html")
    recovered = {li.get("id"): text(li.xpath('./p[@class="recovered"]')[0])
                 for li in root.xpath('//ol[@class="timeline"]/li[p[@class="recovered"]]')}
    assert recovered == {"update-5": "✓ Recovered: Home phone"}


def test_the_built_history_json_validates_against_its_schema(example_output):
    import json

    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "statusgen" / "schemas" / "history.schema.json").read_text(encoding="utf-8"))
    doc = json.loads((example_output / "api" / "history.json").read_bytes())
    assert not [e.message for e in Draft202012Validator(schema).iter_errors(doc)]
    assert doc["incidents"][0]["url"].startswith("https://status.lakeshore.example/incidents/")


def test_the_example_tells_of_an_eta_moved_twice_and_still_missed(example_output):
    # Pine Ridge: ETA noon at 05:55, 14:00 at 09:40, 15:00 at 13:10; every service back at 15:20, as the update
    # posted at 15:35 says (its `since`): missed by 20 minutes, not by the 35 until the post.
    root = page(example_output, "incidents/2026-07-08-pine-ridge-lightning-strike/index.html")
    assert [text(li) for li in root.xpath('//ul[@class="eta-history"]/li')] == [
        "ETA moved from 12:00 to 14:00 at 09:40.", "ETA moved from 14:00 to 15:00 at 13:10."]
    assert figures_shown(root)[-1] == ("Expected resolution 15:00, service back 15:20: missed by 20 minutes. "
                                       "The ETA moved twice (first 12:00).")
    assert text(root.xpath('//li[@id="update-5"]/h3')[0]) == (
        "Monitoring Jul 8, 2026, 15:35 CDT (reports what happened at Jul 8, 2026, 15:20 CDT)")
    assert [text(p) for p in root.xpath('//li[@id="update-2"]/p[@class="eta"]')] == [
        "Expected resolution Jul 8, 2026, 12:00 CDT."]
    assert [text(p) for p in root.xpath('//li[@id="update-3"]/p[@class="eta"]')] == [
        "Expected resolution Jul 8, 2026, 14:00 CDT, moved from Jul 8, 2026, 12:00 CDT."]


def test_the_uptime_page_sums_up_promises_by_month_as_computed_by_hand(example_output):
    root = page(example_output, "uptime/index.html")
    rows = {text(tr.xpath("./th")[0]): [text(td) for td in tr.xpath("./td")]
            for tr in root.xpath('//table[@class="promises"]/tbody/tr')}
    # August: the fiber cut alone (acknowledged in 15 minutes; updates kept, kept, 5 and 10 minutes late, kept;
    # ETA met). July: Pine Ridge alone (25 minutes; kept, kept, 10 minutes late, kept, on time; ETA missed).
    assert rows["August 2026"] == ["15 minutes", "3 of 5 (60%)", "1 of 1 (100%)", "—", "—"]
    assert rows["July 2026"] == ["25 minutes", "4 of 5 (80%)", "0 of 1 (0%)", "—", "—"]
    assert rows["September 2026"][:3] == ["—", "—", "—"]  # only maintenance: nothing to acknowledge, not 100%
    worst = {text(li).split(":")[0]: li for li in root.xpath('//ul[@class="worst"]/li')}
    assert worst["July 2026"].xpath(".//a/@href") == ["../incidents/2026-07-08-pine-ridge-lightning-strike/"] * 3


@pytest.mark.build
def test_an_ended_incident_reads_the_same_whatever_the_build_time_and_other_incidents(site):
    """Its article (header, services, timeline, figures) is a function of its own file and the catalog: a later
    build, with another incident open on the same service, changes nothing in it."""
    from click.testing import CliRunner

    from statusgen.cli import main
    from tests.test_cli import with_theme
    from tests.test_status import incident_file

    with_theme(site)
    site.incident("2026-03-01-cut.md", incident_file("phone: major_outage", [
        ("2026-03-01 10:00", "investigating", ""), ("2026-03-01 11:00", "resolved", "")]))
    articles = []
    for when, later in (("2026-03-02 12:00Z", None), ("2026-04-20 12:00Z", "2026-04-20 09:00")):
        if later:
            site.incident("2026-04-20-again.md", incident_file("phone: major_outage", [(later, "investigating", "")]))
        out = site.root / f"out-{len(articles)}"
        result = CliRunner().invoke(main, ["build", str(site.root), "-o", str(out), "--build-time", when])
        assert result.exit_code == 0, result.output
        root = lxml.html.parse(str(out / "incidents/2026-03-01-cut/index.html")).getroot()
        articles.append(lxml.html.tostring(root.xpath("//article")[0]))
    assert articles[0] == articles[1]
    assert "Phone: ✓ Recovered" in " ".join(lxml.html.fromstring(articles[1]).text_content().split())


@pytest.mark.build
def test_the_home_page_lists_a_services_newest_days_with_trouble_and_links_to_all_of_them(site):
    """Under the bars, the newest TROUBLE_LIMIT days in words; the service's page lists every one (a dense site's
    home page stays small)."""
    from statusgen.pages import TROUBLE_LIMIT
    from tests.test_cli import run, with_theme

    with_theme(site)
    days = [f"2026-08-{d:02d}" for d in range(1, TROUBLE_LIMIT + 4)]  # 13 days, each with an outage
    for day in days:
        site.incident(f"{day}-calls.md", f"""---
title: Calls fail on {day}
components:
  phone: major_outage
updates:
  - at: {day} 09:20
    state: investigating
    body: Calls fail.
  - at: {day} 10:20
    state: resolved
    body: Fixed.
---
""")
    out = site.root / "output"
    assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-20 12:00Z").exit_code == 0
    root = page(out, "index.html")
    details = root.xpath("//details[@class='days']")[0]
    assert text(details.xpath("./summary")[0]) == f"{len(days)} days with trouble or maintenance for Phone"
    links = [(text(a), a.get("href")) for a in details.xpath(".//li/a")]
    assert links[:2] == [("Aug 13: major outage", "./components/phone/#d2026-08-13"),
                         ("Aug 12: major outage", "./components/phone/#d2026-08-12")]
    assert len(links) == TROUBLE_LIMIT + 1
    assert links[-1] == (f"All {len(days)} days on the Phone page", "./components/phone/#days-h")
    service = page(out, "components/phone/index.html")
    assert service.xpath("//*[@id='days-h']")
    assert len(service.xpath("//ul[@class='days']/li")) == len(days)
