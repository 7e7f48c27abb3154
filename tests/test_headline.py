"""The home page's headline: what is wrong and where, in words, for every kind of open state."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from statusgen.headline import ALL_WELL, headline, joined, worst_first
from statusgen.wording import counted
from statusgen.load import load_site
from statusgen.status import snapshot
from tests.test_status import at, incident_file, maintenance_file

# Five areas; Phone is a group of two services offered everywhere; Internet a group of three, one of them (fiber)
# offered in two areas only; TV has no group.
CATALOG = """\
areas:
  - {id: millbrook, name: Millbrook}
  - {id: ashford, name: Ashford}
  - {id: lake-city, name: Lake City}
  - {id: oakdale, name: Oakdale}
  - {id: elm, name: Elm}
groups:
  - {id: voice, name: Phone}
  - {id: internet, name: Internet}
components:
  - {id: phone, name: Home phone, group: voice}
  - {id: voicemail, name: Voicemail, group: voice}
  - {id: fiber, name: Fiber internet, group: internet, areas: [millbrook, ashford]}
  - {id: dsl, name: DSL internet, group: internet}
  - {id: email, name: Email, group: internet}
  - {id: tv, name: TV}
"""
NOW = "2026-03-10 02:00"


def open_incident(components: str, areas: str | None = None) -> str:
    return incident_file(components, [("2026-03-10 01:00", "investigating", "")],
                         extra=f"areas: [{areas}]" if areas else "")


def said(site, *files: str, when: str = NOW, catalog: str = CATALOG, tz: str = "UTC") -> str:
    site.catalog(catalog)
    for n, text in enumerate(files):
        site.incident(f"2026-03-{n + 1:02d}-item-{n}.md", text)
    loaded = load_site(site.content, tz)
    return headline(loaded.catalog, snapshot(loaded.catalog, loaded.incidents, at(when)), ZoneInfo(tz))


@pytest.mark.parametrize("names, text", [
    (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C")])
def test_names_are_joined_with_commas_and_and(names, text):
    assert joined(names) == text


@pytest.mark.parametrize("n, text", [(0, "0 areas"), (1, "1 area"), (2, "2 areas"), (11, "11 areas")])
def test_counts_have_the_right_plural(n, text):
    assert counted(n, "area") == text


def test_nothing_open_says_all_services_operational(site):
    assert said(site) == ALL_WELL == "All services operational"


def test_a_resolved_incident_leaves_all_services_operational(site):
    resolved = incident_file("phone: major_outage", [("2026-03-10 01:00", "investigating", ""),
                                                     ("2026-03-10 01:30", "resolved", "")])
    assert said(site, resolved) == ALL_WELL


@pytest.mark.parametrize("status, word", [("major_outage", "down"), ("partial_outage", "partly down"),
                                          ("degraded_performance", "degraded")])
def test_one_service_in_one_area_says_what_and_where(site, status, word):
    assert said(site, open_incident(f"phone: {status}", "millbrook")) == f"Home phone {word} in Millbrook"


@pytest.mark.parametrize("areas, where", [
    ("millbrook, ashford", "in Millbrook and Ashford"),
    ("lake-city, ashford, millbrook", "in Millbrook, Ashford and Lake City"),  # catalog order, not the file's
    ("millbrook, ashford, lake-city, oakdale", "in 4 areas"),
    (None, "everywhere"),
])
def test_areas_are_named_up_to_three_then_counted_and_all_is_everywhere(site, areas, where):
    assert said(site, open_incident("phone: major_outage", areas)) == f"Home phone down {where}"


def test_a_service_down_wherever_it_is_offered_is_not_everywhere(site):
    # Fiber is offered in two of the five areas: "everywhere" would tell Elm it is down there too.
    assert said(site, open_incident("fiber: major_outage")) == "Fiber internet down in Millbrook and Ashford"


def test_a_site_with_one_area_names_it(site):
    one_area = "areas: [{id: town, name: Town}]\ncomponents: [{id: phone, name: Phone}]\n"
    assert said(site, open_incident("phone: major_outage"), catalog=one_area) == "Phone down in Town"


def test_two_services_with_the_same_word_share_it(site):
    assert said(site, open_incident("phone: major_outage, tv: major_outage", "oakdale")) == \
        "Home phone and TV down in Oakdale"


def test_services_with_different_words_are_trouble_with_them_the_worst_first(site):
    assert said(site, open_incident("phone: major_outage, email: degraded_performance", "oakdale")) == \
        "Trouble with Home phone and Email in Oakdale"
    assert said(site, open_incident("phone: degraded_performance, email: partial_outage", "oakdale")) == \
        "Trouble with Email and Home phone in Oakdale"


def test_a_whole_group_in_trouble_is_named_by_the_group(site):
    assert said(site, open_incident("phone: major_outage, voicemail: major_outage", "elm")) == "Phone down in Elm"


def test_a_group_of_services_not_offered_in_the_same_places_still_reads_as_one(site):
    # Fiber is not offered in Elm; every Internet service is still in trouble somewhere.
    text = said(site, open_incident("fiber: partial_outage, dsl: partial_outage, email: partial_outage"))
    assert text == "Internet partly down everywhere"


def test_more_than_three_names_are_counted(site):
    files = [open_incident("phone: major_outage", "elm"), open_incident("dsl: major_outage", "elm"),
             open_incident("tv: major_outage", "elm"), open_incident("email: major_outage", "elm")]
    assert said(site, *files) == "Home phone, DSL internet, Email and 1 more service down in Elm"
    files[0] = open_incident("phone: degraded_performance", "elm")
    assert said(site, *files) == "Trouble with DSL internet, Email, TV and 1 more service in Elm"  # names them


def test_separate_troubles_in_every_town_are_not_everywhere(site):
    # Home phone down in two towns, Email in the other three: every area is hit, but neither is down everywhere.
    files = [open_incident("phone: major_outage", "millbrook, ashford"),
             open_incident("email: major_outage", "lake-city, oakdale, elm")]
    assert said(site, *files) == "Home phone and Email down in 5 areas"


def test_several_incidents_on_one_service_take_the_worst_and_every_area(site):
    files = [open_incident("phone: degraded_performance", "millbrook"), open_incident("phone: major_outage", "elm")]
    assert said(site, *files) == "Home phone down in Millbrook and Elm"


def test_a_recovered_service_is_not_in_the_headline(site):
    monitoring = incident_file("phone: major_outage, tv: major_outage",
                               [("2026-03-10 01:00", "investigating", ""),
                                ("2026-03-10 01:30", "monitoring", "phone: operational")], extra="areas: [elm]")
    assert said(site, monitoring) == "TV down in Elm"
    all_back = incident_file("phone: major_outage", [("2026-03-10 01:00", "investigating", ""),
                                                      ("2026-03-10 01:30", "monitoring", "phone: operational")])
    assert said(site, all_back) == ALL_WELL


def maintenance(window=("2026-03-10 01:00", "2026-03-10 05:00"), areas: str = "lake-city", state="in_progress"):
    return maintenance_file([("2026-03-01 09:00", "scheduled"), ("2026-03-10 01:00", state)], window=window,
                            extra=f"areas: [{areas}]")


def test_maintenance_alone_says_where_and_until_when(site):
    assert said(site, maintenance()) == "Maintenance of Home phone in Lake City until 05:00 UTC"


def test_maintenance_ending_another_day_says_the_day_and_the_zone_name(site):
    # The site's clock: 21:00 CDT on Mar 9 (02:00 UTC on Mar 10); the window ends 04:00 UTC on Mar 11.
    work = maintenance_file([("2026-03-01 09:00Z", "scheduled"), ("2026-03-10 01:00Z", "in_progress")],
                            window=("2026-03-10 01:00Z", "2026-03-11 04:00Z"), extra="areas: [lake-city]")
    assert said(site, work, tz="America/Chicago") == "Maintenance of Home phone in Lake City until Mar 10, 23:00 CDT"


def test_maintenance_past_its_planned_end_says_so(site):
    text = said(site, maintenance(window=("2026-03-10 01:00", "2026-03-10 01:30"), state="verifying"))
    assert text == "Maintenance of Home phone in Lake City running past its planned end, 01:30 UTC"


def test_upcoming_maintenance_is_not_in_the_headline(site):
    ahead = maintenance_file([("2026-03-01 09:00", "scheduled")], window=("2026-03-11 01:00", "2026-03-11 05:00"))
    assert said(site, ahead) == ALL_WELL


def test_several_maintenance_windows_give_every_area_and_the_latest_end(site):
    files = [maintenance(areas="lake-city"), maintenance(window=("2026-03-10 01:00", "2026-03-10 06:30"),
                                                         areas="elm")]
    assert said(site, *files) == "Maintenance of Home phone in Lake City and Elm until 06:30 UTC"


def test_trouble_comes_first_then_maintenance(site):
    files = [maintenance(), open_incident("phone: major_outage", "millbrook, ashford")]
    assert said(site, *files) == "Home phone down in Millbrook and Ashford; maintenance of Home phone in Lake City until 05:00 UTC"


def test_the_worst_open_incident_comes_first_then_the_newest(site):
    site.catalog(CATALOG)
    site.incident("2026-03-01-minor.md", incident_file("tv: degraded_performance",
                                                       [("2026-03-10 01:30", "investigating", "")]))
    site.incident("2026-03-02-major-old.md", incident_file("phone: major_outage",
                                                           [("2026-03-10 00:30", "investigating", "")]))
    site.incident("2026-03-03-major-new.md", incident_file("email: major_outage",
                                                           [("2026-03-10 01:00", "investigating", "")]))
    loaded = load_site(site.content, "UTC")
    assert [i.id for i in worst_first(loaded.incidents, at(NOW))] == [
        "2026-03-03-major-new", "2026-03-02-major-old", "2026-03-01-minor"]
