"""The command line: exact output of `check`, and `build` that never replaces a good site with a broken one."""
from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
from click.testing import CliRunner

from statusgen.cli import main
from tests.conftest import ROOT

GOOD = """\
---
title: Calls fail <in> "North" & café
components:
  phone: major_outage
areas: [north]
eta: 2026-08-29 18:00
updates:
  - at: 2026-08-29 09:20
    state: investigating
    next_update: 2026-08-29 10:00
    body: |
      Calls fail. <script>alert(1)</script><img src=x onerror="alert(2)">
      [a link](javascript:alert(3)) and **bold** text.
---
Summary with <iframe src="https://evil.example"></iframe> and a [good link](https://example.org/).
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def with_theme(site) -> None:
    """Make a tmp site buildable: the project's theme, plugin and settings beside its content."""
    shutil.copytree(ROOT / "theme", site.root / "theme")
    shutil.copytree(ROOT / "plugins", site.root / "plugins")
    conf = (ROOT / "pelicanconf.py").read_text().replace('TIMEZONE = "America/Chicago"', 'TIMEZONE = "UTC"')
    (site.root / "pelicanconf.py").write_text(conf)


def test_check_clean_site(site):
    site.incident("2026-08-29-calls.md", GOOD)
    result = run("check", str(site.root))
    assert result.exit_code == 0
    assert result.output == "ok: 2 components in 2 areas, 1 incidents and maintenances\n"


def test_check_reports_every_problem_and_exits_1(site, monkeypatch):
    monkeypatch.chdir(site.root)
    site.incident("2026-08-29-calls.md", GOOD.replace("phone: major_outage", "fone: major_outage"))
    site.incident("2026-08-30-more.md", GOOD.replace("state: investigating", "state: fixed"))
    result = run("check", ".")
    assert result.exit_code == 1
    assert result.output == (
        "content/incidents/2026-08-29-calls.md:4: components: unknown component (expected one of phone, tv, got \"fone\")\n"
        "content/incidents/2026-08-30-more.md:9: updates[0].state: invalid incident state (expected one of "
        "investigating, identified, monitoring, resolved, got \"fixed\")\n"
        "2 problems found; nothing was built.\n")
    assert "Traceback" not in result.output


def test_check_accepts_the_content_folder_itself(site):
    site.incident("2026-08-29-calls.md", GOOD)
    assert run("check", str(site.content)).exit_code == 0


def test_example_content_is_clean():
    result = run("check", str(ROOT))
    assert result.exit_code == 0, result.output


def test_build_then_broken_content_leaves_the_site_as_it_was(site):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    out = site.root / "output"
    first = run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:30Z")
    assert first.exit_code == 0, first.output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    site.incident("2026-08-30-broken.md", "---\ntitle: [unclosed\n---\n")
    second = run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:40Z")
    assert second.exit_code == 1
    assert second.output.replace(str(site.root) + "/", "").startswith("content/incidents/2026-08-30-broken.md:")
    assert "unparseable YAML" in second.output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "output", "pelicanconf.py", "plugins", "theme"]


def test_same_input_same_bytes(site, tmp_path):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:30Z").exit_code == 0
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_author_html_is_sanitized_and_text_escaped(site):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    out = site.root / "output"
    assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:30Z").exit_code == 0
    raw = (out / "incidents/2026-08-29-calls/index.html").read_text()
    root = lxml.html.fromstring(raw)
    assert not root.xpath("//script | //iframe | //img | //*[@onerror]")
    assert not [href for href in root.xpath("//a/@href") if href.startswith("javascript:")]
    assert root.xpath("//h1")[0].text_content() == 'Calls fail <in> "North" & café'
    assert root.xpath('//li[@id="update-1"]//strong')[0].text == "bold"
    assert root.xpath('//section[@class="summary"]//a/@href') == ["https://example.org/"]


def test_late_promise_is_said_plainly(site):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    out = site.root / "output"
    assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 10:30Z").exit_code == 0
    root = lxml.html.parse(str(out / "index.html")).getroot()
    promise = root.xpath('//dl[contains(@class, "promises")]/dd')[-1].text_content()
    assert " ".join(promise.split()) == "was promised by Aug 29, 2026, 10:00 UTC; it is late"
