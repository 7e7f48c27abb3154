"""statusgen draft: each monitoring tool's own webhook payload (samples in tests/data/alerts, sources in its
README) becomes a draft incident a person can publish as it is; the same alert twice gives the same draft; a
resolved alert gives a comment and changes no file; bad payloads and mappings are refused at their lines."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import main

DATA = Path(__file__).parent / "data" / "alerts"
ALERTS = """\
# Which alerts concern which services (statusgen draft reads it)
- match: {alertname: PhoneTrunkDown, site: millbrook}
  services: [Phone]
  areas: [Millbrook]
- match: {alertname: High memory usage}
  services: [fiber-internet, Phone]
  status: degraded_performance
- match: {monitor: Test}
  services: [Fiber internet]
  areas: [ashford, Millbrook]
  status: partial_outage
"""


def run(*args: str, cwd: Path):
    """The command run in `cwd` (the fixture's folder): (exit status, standard output, standard error)."""
    assert Path.cwd() == cwd
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def northwind(tmp_path, monkeypatch):
    """A site as `statusgen init` makes it, with an alert mapping."""
    result = CliRunner().invoke(main, ["init", str(tmp_path / "nw"), "--name", "Northwind Fiber", "--area", "Millbrook",
                                       "--area", "Ashford", "--service", "Phone", "--service", "Fiber internet",
                                       "--install", "statusgen"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "nw"
    (root / "content" / "alerts.yml").write_text(ALERTS)
    monkeypatch.chdir(root)
    return root


def test_alertmanager_firing_then_again_then_resolved(northwind, tmp_path):
    path = "content/incidents/2026-08-29-problem-with-phone-in-millbrook.md"
    assert run("draft", "--from", "alertmanager", str(DATA / "alertmanager-firing.json"), "--reply", "reply.md",
               "--outputs", "out.txt", cwd=northwind) == (
        0, f"{path}\n2026-08-29-problem-with-phone-in-millbrook\n", "")
    text = (northwind / path).read_text()
    assert text == """\
---
# alert: alertmanager fbab788ec4c1018b
# yaml-language-server: $schema=../../.statusgen/incident.schema.json
title: "Problem with Phone in Millbrook"
components:
  phone: major_outage
areas: [millbrook]
updates:
  - at: 2026-08-29T09:05:27+00:00
    state: investigating
    body: "We are investigating a problem with Phone in Millbrook. We will post an update soon."
---
"""
    assert (northwind / "reply.md").read_text() == (
        "Alertmanager reports PhoneTrunkDown firing since 2026-08-29 09:05 UTC.\n\n"
        f"This draft opens an incident on the status page: **Problem with Phone in Millbrook**, in `{path}`.\n"
        "Merge this pull request to publish it as it is, or edit the file first. Nothing is published until it is "
        "merged.\n")
    assert (northwind / "out.txt").read_text() == (
        f"state=firing\npath={path}\nid=2026-08-29-problem-with-phone-in-millbrook\n"
        "branch=statusgen/alert-alertmanager-fbab788ec4c1018b\ntitle=Problem with Phone in Millbrook\nwritten=true\n")
    # the same alert again: the same draft, nothing written
    assert run("draft", "--from", "alertmanager", str(DATA / "alertmanager-firing.json"), cwd=northwind) == (
        0, f"{path}\n2026-08-29-problem-with-phone-in-millbrook\n",
        "already drafted from this alert: no file was changed\n")
    assert (northwind / path).read_text() == text
    # resolved: a comment, no file changed, nothing resolved
    code, out, err = run("draft", "--from", "alertmanager", str(DATA / "alertmanager-resolved.json"), "--outputs",
                         "out2.txt", cwd=northwind)
    assert (code, err) == (0, "")
    assert out.startswith("Alertmanager reports PhoneTrunkDown resolved.\n\nNothing on the status page was changed.")
    assert (northwind / path).read_text() == text
    assert (northwind / "out2.txt").read_text() == (
        f"state=resolved\npath={path}\nid=2026-08-29-problem-with-phone-in-millbrook\n"
        "branch=statusgen/alert-alertmanager-fbab788ec4c1018b\ntitle=Problem with Phone in Millbrook\nwritten=false\n")
    assert run("check", cwd=northwind)[0] == 0


def test_grafana_two_alerts_one_draft_keyed_by_the_first(northwind):
    path = "content/incidents/2021-10-12-problem-with-phone-and-fiber-internet.md"
    assert run("draft", "--from", "grafana", str(DATA / "grafana-firing.json"), cwd=northwind) == (
        0, f"{path}\n2021-10-12-problem-with-phone-and-fiber-internet\n", "")
    text = (northwind / path).read_text()
    assert text.splitlines()[1] == "# alert: grafana c6eadffa33fcdf37"
    assert "components:\n  phone: degraded_performance\n  fiber-internet: degraded_performance\nupdates:" in text
    assert "  - at: 2021-10-12T07:51:03+00:00\n" in text


def test_uptime_kuma_down_then_up(northwind):
    path = "content/incidents/2024-09-24-problem-with-fiber-internet-in-millbrook-and-ashford.md"
    assert run("draft", "--from", "uptime-kuma", str(DATA / "uptime-kuma-down.json"), cwd=northwind)[:2] == (
        0, f"{path}\n2024-09-24-problem-with-fiber-internet-in-millbrook-and-ashford\n")
    text = (northwind / path).read_text()
    assert text.splitlines()[1] == "# alert: uptime-kuma monitor-29"
    assert "  fiber-internet: partial_outage\nareas: [millbrook, ashford]\n" in text
    assert "  - at: 2024-09-24T23:51:35+00:00\n" in text
    code, out, _ = run("draft", "--from", "uptime-kuma", str(DATA / "uptime-kuma-up.json"), cwd=northwind)
    assert (code, out.splitlines()[0]) == (0, "Uptime Kuma reports Test resolved.")
    assert (northwind / path).read_text() == text


@pytest.mark.parametrize("payload, message", [
    ("{", "x.json:1: not JSON (Expecting property name enclosed in double quotes, column 2)"),
    ("[]", "x.json:1: wrong type (expected Alertmanager's webhook object, got list)"),
    ('{"alerts": []}', "x.json:1: alerts: missing or empty (expected a list of alerts, got []) "
                       "(Alertmanager webhook)"),
    ('{"alerts": [{"labels": {}, "status": "firing", "startsAt": "yesterday", "fingerprint": "ab"}]}',
     "x.json:1: alerts[0].startsAt: not a time (expected RFC 3339 such as 2026-08-29T09:05:00Z, got 'yesterday') "
     "(Alertmanager webhook)"),
    ('{"alerts": [{"labels": {}, "status": "firing", "startsAt": "2026-08-29T09:05:00Z", "fingerprint": "$(id)"}]}',
     "x.json:1: alerts[0].fingerprint: missing or not a fingerprint (expected hexadecimal, got '$(id)') "
     "(Alertmanager webhook)"),
    ('{"alerts": [{"labels": {"alertname": "Other"}, "status": "firing", "startsAt": "2026-08-29T09:05:00Z", '
     '"fingerprint": "ab"}]}',
     "x.json: no service for this alert (expected a rule in content/alerts.yml whose match fits the labels, got "
     "alertname=Other)"),
])
def test_bad_payloads_are_refused_and_nothing_written(northwind, payload, message):
    (northwind / "x.json").write_text(payload)
    assert run("draft", "--from", "alertmanager", "x.json", cwd=northwind) == (
        1, "", f"statusgen: {message}\n")
    assert not list((northwind / "content" / "incidents").glob("2*.md"))


def test_bad_mapping_every_problem_at_its_line(northwind):
    (northwind / "content" / "alerts.yml").write_text("""\
- match: {alertname: PhoneTrunkDown}
  services: [Phone, Televison]
  areas: [Nowhere]
  status: down
- services: [Phone]
  colour: red
""")
    code, out, err = run("draft", "--from", "alertmanager", str(DATA / "alertmanager-firing.json"), cwd=northwind)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "content/alerts.yml:2: [0].services: unknown service (expected a name or an id of phone, fiber-internet, "
        "got 'Televison')",
        "content/alerts.yml:3: [0].areas: unknown area (expected a name or an id of millbrook, ashford, got 'Nowhere')",
        "content/alerts.yml:4: [0].status: invalid status (expected one of degraded_performance, partial_outage, "
        "major_outage, got \"down\")",
        "content/alerts.yml:5: [1]: missing key (expected match: labels to match, got no match)",
        "content/alerts.yml:6: [1]: unknown key (expected one of match, services, areas, status, got \"colour\")",
        "5 problems found; no file was changed.",
    ]


def test_check_says_when_the_forms_are_out_of_date_and_forms_brings_them_up_to_date(northwind):
    assert run("check", cwd=northwind)[:2] == (
        0, "ok: 2 components in 2 areas, 0 incidents and 0 maintenance windows\n")
    catalog = northwind / "content/components.yml"
    catalog.write_text(catalog.read_text().replace('name: "Phone"', 'name: "Telephone"'))
    (northwind / "content/alerts.yml").write_text(ALERTS.replace("[Phone]", "[Phone, Fax]"))
    assert run("check", cwd=northwind) == (1, "", (
        ".github/ISSUE_TEMPLATE/statusgen-incident.yml:1: issue form out of date (expected the services and areas of "
        "content/components.yml, got an older form: run statusgen forms)\n"
        ".github/ISSUE_TEMPLATE/statusgen-maintenance.yml:1: issue form out of date (expected the services and areas "
        "of content/components.yml, got an older form: run statusgen forms)\n"
        ".gitlab/issue_templates/Incident.md:1: issue template out of date (expected the services and areas of "
        "content/components.yml, got an older template: run statusgen forms)\n"
        ".gitlab/issue_templates/Maintenance.md:1: issue template out of date (expected the services and areas of "
        "content/components.yml, got an older template: run statusgen forms)\n"
        "content/alerts.yml:3: [0].services: unknown service (expected a name or an id of phone, fiber-internet, got "
        "'Fax')\n"
        "5 problems found; nothing was built.\n"))
    assert run("forms", cwd=northwind) == (0, ".github/ISSUE_TEMPLATE/statusgen-incident.yml\n"
                                              ".github/ISSUE_TEMPLATE/statusgen-maintenance.yml\n"
                                              ".gitlab/issue_templates/Incident.md\n"
                                              ".gitlab/issue_templates/Maintenance.md\n", "")
    assert "label: Status of Telephone\n" in (northwind / ".github/ISSUE_TEMPLATE/statusgen-incident.yml").read_text()
    assert "\n### Status of Telephone\n" in (northwind / ".gitlab/issue_templates/Incident.md").read_text()
    (northwind / "content/alerts.yml").write_text(ALERTS)
    assert run("check", cwd=northwind)[0] == 0
