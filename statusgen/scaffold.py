"""`statusgen init`: a new site from a few names, ready to build, check in CI and publish.

The files it writes explain themselves (the catalog is commented), and its CI files install statusgen at the
version that wrote them, so a site repository holds only its content, its settings and its CI files.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urlparse

from .errors import Refusal
from .times import zone


def statusgen_version() -> str:
    try:
        return version("statusgen")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
        return "0.1.0"


def slugify(name: str) -> str:
    """An id from a name: `Fiber internet` -> `fiber-internet`, `Café Müller` -> `cafe-muller`."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def ids_for(names: list[str], kind: str) -> list[tuple[str, str]]:
    """(id, name) for each name, ids unique; a name with no Latin letters or digits gets `kind-N`."""
    taken: set[str] = set()
    result = []
    for n, name in enumerate(names, start=1):
        base = slugify(name) or f"{kind}-{n}"
        ident, k = base, 2
        while ident in taken:
            ident, k = f"{base}-{k}", k + 1
        taken.add(ident)
        result.append((ident, name))
    return result


@dataclass(frozen=True)
class NewSite:
    """What `statusgen init` is told: the organisation, where it serves, what it runs."""

    name: str
    areas: list[str]
    services: list[str]
    url: str = ""
    timezone: str = "UTC"
    since: date | None = None  # first day of uptime records; the day the site is made
    install: str = ""  # what CI gives pip to install statusgen; default this version from the index

    def check(self) -> None:
        """Refusal (one line) for what cannot make a site."""
        for what, names in (("--area", self.areas), ("--service", self.services)):
            blank = [n for n in names if not n.strip()]
            if blank or not names:
                raise Refusal(f"{what}: a name is needed (expected at least one non-empty name, got "
                              f"{json.dumps(names)})")
        if not self.name.strip():
            raise Refusal("--name: a name is needed (expected the organisation's name, got nothing)")
        if self.url and urlparse(self.url).scheme not in ("http", "https"):
            raise Refusal(f"--url: not a web address (expected https://status.example.com, got {self.url!r})")
        try:
            zone(self.timezone)
        except ValueError as err:
            raise Refusal(f"--timezone: {err}") from None


def _quoted(text: str) -> str:
    """A name as YAML and Python both read it back exactly: a JSON string."""
    return json.dumps(text.strip(), ensure_ascii=False)


def catalog(site: NewSite) -> str:
    since = (site.since or date.today()).isoformat()
    lines = [f"# yaml-language-server: $schema=../{SCHEMA_FOLDER}/components.schema.json",
             f"# {site.name.strip()}: what the status page reports on.", *CATALOG_HELP, "", "areas:"]
    for ident, name in ids_for(site.areas, "area"):
        lines += [f"  - id: {ident}", f"    name: {_quoted(name)}"]
    lines += ["", "components:"]
    for ident, name in ids_for(site.services, "service"):
        lines += [f"  - id: {ident}", f"    name: {_quoted(name)}", f"    since: {since}"]
    return "\n".join(lines) + "\n"


CATALOG_HELP = [
    "#",
    "# This file is the catalog. Incident and maintenance files in content/incidents/ refer to the ids",
    "# below, so once an id has been used, do not rename it: change its `name` instead.",
    "#",
    "#   areas       where the services are delivered (towns, regions, data centres)",
    "#   groups      optional headings on the status page, shown in this order:",
    "#                 groups: [{id: voice, name: Phone, description: Calling and voicemail}]",
    "#   components  the services customers use:",
    "#                 group        the heading it is shown under (optional)",
    "#                 description  a line about it (optional)",
    "#                 areas        where it is offered (leave out for everywhere): [millbrook, ashford]",
    "#                 sla          monthly uptime target, in percent (optional): 99.9",
    "#                 since        first day of uptime records (an incident before it moves them back)",
    "#",
    "# Ids are lowercase letters, digits and single hyphens; they end up in URLs.",
    "# Run `statusgen check` before you push; `statusgen new` posts an incident.",
]


def settings_file(site: NewSite) -> str:
    host = urlparse(site.url).hostname or "status.example.invalid"
    return f'''"""Settings of {site.name.strip()}'s status page, read by `statusgen build` (with Pelican's reader).

publishconf.py uses these with absolute URLs for production. The theme and the plugin come with statusgen.
"""

SITENAME = {_quoted(site.name + " status")}
SITEURL = {_quoted(site.url.rstrip("/"))}  # where readers find it: feeds, calendars and the sitemap use it
RELATIVE_URLS = True  # pages link relatively, so output/ also works from a folder or any subpath
TIMEZONE = {_quoted(site.timezone)}  # times written without an offset are in this zone, and pages show it
DEFAULT_LANG = "en"
PATH = "content"

STATUSGEN_ORGANIZATION = {_quoted(site.name)}
STATUSGEN_CONTACT = ""  # how to reach you when something is down, shown in the footer
STATUSGEN_TICKET_URL = ""  # e.g. "https://tickets.example.com/browse/{{ticket}}"; empty: tickets shown as text
STATUSGEN_ID_AUTHORITY = {_quoted(host)}  # feed and calendar ids use it: set it once, never change it
STATUSGEN_REBUILD_MINUTES = 15  # how often CI rebuilds (the cron line of .github/workflows/status.yml)
'''


PUBLISH_SETTINGS = '''"""Production settings: pelicanconf.py with absolute URLs. CI builds with these.

    STATUSGEN_SITEURL=https://status.example.com statusgen build . -s publishconf.py -o output
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # pelicanconf.py beside this file
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = (os.environ.get("STATUSGEN_SITEURL") or SITEURL).rstrip("/")  # noqa: F405
RELATIVE_URLS = False
'''

GITIGNORE = "output/\npublic/\n.output.*\n.statusgen-cache/\n__pycache__/\n"

INCIDENTS_README = """# Incidents and maintenance

One file per incident or maintenance, named `YYYY-MM-DD-slug.md` (sub-folders by year are fine):

    statusgen new --title "Calls fail in Millbrook" --status phone=major_outage -m "We are looking into it."

or write it by hand: YAML front matter (title, components, updates) and an optional Markdown summary. Run
`statusgen check` before you push. This README is not read as an incident.
"""


def github_workflow(site: NewSite) -> str:
    return f"""# Check incident files on every pull request; build and publish the status page to GitHub Pages on every push
# to main and every 15 minutes.
#
# Once per repository: Settings > Pages > Source: "GitHub Actions". Optionally Settings > Secrets and variables >
# Actions > Variables: STATUSGEN_SITEURL, the address readers use; without it the Pages address is used.
name: status page

on:
  pull_request:
  push:
    branches: [main]
  # A static page shows the state as of its build: rebuilt on a clock, maintenance starts and ends on time and a
  # promised update that is late says so. Each run takes about a minute of Actions time.
  schedule:
    - cron: "*/15 * * * *"
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: ${{{{ github.event_name == 'pull_request' && format('check-{{0}}', github.ref) || 'pages' }}}}
  cancel-in-progress: ${{{{ github.event_name == 'pull_request' }}}}

env:
  STATUSGEN: {json.dumps(site.install)}  # the statusgen that wrote this file; change it to upgrade

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "$STATUSGEN"
      - run: statusgen check . --format github

  build:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: read
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history: services without `since` are dated by it
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "$STATUSGEN"
      # statusgen's build cache: closed incidents' pages and the checked incident files, reused only where every
      # input is the same, so any restored copy is safe. Each run saves a new entry; the newest is restored.
      - uses: actions/cache@v4
        with:
          path: .statusgen-cache
          key: statusgen-${{{{ github.ref_name }}}}-${{{{ github.run_id }}}}
          restore-keys: statusgen-${{{{ github.ref_name }}}}-
      - id: pages
        uses: actions/configure-pages@v5
      - run: statusgen check . --format github
      - name: Build with publishconf.py
        env:
          STATUSGEN_SITEURL: ${{{{ vars.STATUSGEN_SITEURL || steps.pages.outputs.base_url }}}}
        run: statusgen build . -s publishconf.py -o output --format github  # as of now, on a push too
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def gitlab_ci(site: NewSite) -> str:
    return f"""# Check incident files on every merge request; build and publish the status page to GitLab Pages from the
# default branch. Add a schedule in Build > Pipeline schedules: "*/15 * * * *" on the default branch, so the
# page is rebuilt on a clock. Set the CI/CD variable STATUSGEN_SITEURL to serve it at another address.

variables:
  STATUSGEN: {json.dumps(site.install)}  # the statusgen that wrote this file; change it to upgrade

default:
  image: python:3.11
  before_script:
    - pip install --quiet "$STATUSGEN"

check:
  stage: test
  script:
    - statusgen check . --format gitlab > gl-code-quality-report.json
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"

pages:
  stage: deploy
  variables:
    GIT_DEPTH: 0
  cache:  # statusgen's build cache: reused only where every input is the same, so it is always safe
    key: statusgen-$CI_COMMIT_REF_SLUG
    paths:
      - .statusgen-cache/
  script:
    - export STATUSGEN_SITEURL="${{STATUSGEN_SITEURL:-$CI_PAGES_URL}}"
    - statusgen check .
    - statusgen build . -s publishconf.py -o public  # as of now, on a push too
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"""


SCHEMA_FOLDER = ".statusgen"  # JSON Schemas of the files authors write, for editors (see schema.py)


def files(site: NewSite) -> dict[str, str]:
    """Every file of the new site, by its path inside the site folder."""
    from . import schema

    return {
        **{f"{SCHEMA_FOLDER}/{name}": schema.render(name) for name in schema.SCHEMAS},
        "content/components.yml": catalog(site),
        "content/incidents/README.md": INCIDENTS_README,
        "pelicanconf.py": settings_file(site),
        "publishconf.py": PUBLISH_SETTINGS,
        ".gitignore": GITIGNORE,
        ".github/workflows/status.yml": github_workflow(site),
        ".gitlab-ci.yml": gitlab_ci(site),
    }


def create(folder: Path, site: NewSite) -> list[Path]:
    """Write a new site into `folder` (new or empty); Refusal, writing nothing, for anything else."""
    site.check()
    if folder.exists() and not folder.is_dir():
        raise Refusal(f"refusing to make a site at {folder}: it is a file (expected a new or empty folder)")
    if folder.is_dir() and any(folder.iterdir()):
        count = sum(1 for _ in folder.iterdir())
        raise Refusal(f"refusing to make a site in {folder}: it holds {count} file{'s' if count != 1 else ''} or "
                      f"folder{'s' if count != 1 else ''} (expected a new or empty folder)")
    written = []
    for name, text in files(site).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
