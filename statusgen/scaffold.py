"""`statusgen init`: a new site from a few names, ready to build, check in CI and publish.

The files it writes explain themselves (the catalog is commented), and its CI files install the statusgen that
wrote them (install.py says how), so a site repository holds only its content, its settings and its CI files (and,
when that statusgen came from a path CI cannot reach, its wheel). The actions they use are pinned in actions.py.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from . import actions
from .install import WHEELS, Wheel
from .errors import Refusal
from .model import Area, Catalog, Component
from .times import zone


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
    install: str = ""  # what CI gives pip to install statusgen (install.for_ci() works it out)
    wheel: Wheel | None = None  # the wheel CI installs, kept in the site, when it cannot reach statusgen's origin

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


def github_workflow(site: NewSite, template: str | None = None) -> str:
    text = (template or GITHUB_WORKFLOW).replace("{install}", json.dumps(site.install))
    for action in actions.PINS:
        text = text.replace("{%s}" % action, actions.uses(action))
    return text


# {install} and each {owner/action} are filled in by github_workflow (str.format would need every ${{ }} doubled).
GITHUB_WORKFLOW = """\
# Check incident files on every pull request; build and publish the status page to GitHub Pages on every push
# to main and every 15 minutes, then tell subscribers of what is new.
#
# Once per repository: Settings > Pages > Source: "GitHub Actions". Optionally Settings > Secrets and variables >
# Actions > Variables: STATUSGEN_SITEURL, the address readers use; without it the Pages address is used.
# To notify subscribers (email, chat, webhooks), add the secret STATUSGEN_CHANNELS there: see the notify job.
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
  group: ${{ github.event_name == 'pull_request' && format('check-{0}', github.ref) || 'pages' }}
  cancel-in-progress: ${{ github.event_name == 'pull_request' }}

env:
  STATUSGEN: {install}  # the statusgen that wrote this file; change it to upgrade

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: {actions/checkout}
        with:
          persist-credentials: false
      - uses: {actions/setup-python}
        with:
          python-version: "3.11"
      - run: pip install "$STATUSGEN"
      - run: statusgen check . --format github

  build:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    outputs:
      siteurl: ${{ steps.build.outputs.siteurl }}  # the address notify's links use
    permissions:
      contents: read
      pages: read  # the site's Pages address, when STATUSGEN_SITEURL does not give one
    steps:
      - uses: {actions/checkout}
        with:
          fetch-depth: 0  # the whole history: services without `since` are dated by it
          persist-credentials: false
      - uses: {actions/setup-python}
        with:
          python-version: "3.11"
      - run: pip install "$STATUSGEN"
      # statusgen's build cache: closed incidents' pages and the checked incident files, reused only where every
      # input is the same, so any restored copy is safe. Each run saves a new entry; the newest is restored.
      - uses: {actions/cache}
        with:
          path: .statusgen-cache
          key: statusgen-${{ github.ref_name }}-${{ github.run_id }}
          restore-keys: statusgen-${{ github.ref_name }}-
      - run: statusgen check . --format github
      - name: Build with publishconf.py
        id: build
        env:
          STATUSGEN_SITEURL: ${{ vars.STATUSGEN_SITEURL }}
          GH_TOKEN: ${{ github.token }}
        run: |
          if [ -z "$STATUSGEN_SITEURL" ]; then  # the address Pages serves the site at (a custom domain too)
            STATUSGEN_SITEURL="$(gh api "repos/$GITHUB_REPOSITORY/pages" --jq .html_url)"
            export STATUSGEN_SITEURL
          fi
          echo "siteurl=$STATUSGEN_SITEURL" >> "$GITHUB_OUTPUT"
          # As of now, a push as much as a scheduled run: a status page says how things stand when it is built.
          statusgen build . -s publishconf.py -o output --format github
      - uses: {actions/upload-pages-artifact}
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
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: {actions/deploy-pages}

  # Once the site is published, send each update it newly shows to the channels in the secret STATUSGEN_CHANNELS
  # (Apprise URLs, one TAGS=URL a line: email, chat, webhooks), once each. What was sent is recorded on the branch
  # statusgen-notify, which this job pushes; scheduled runs send the reminders of promises falling due.
  notify:
    needs: [build, deploy]
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: write  # push the record of what was sent to the branch statusgen-notify
    concurrency:  # one at a time, never cut short: two runs must not both send an update
      group: notify
      cancel-in-progress: false
    steps:
      - uses: {actions/checkout}
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: {actions/setup-python}
        with:
          python-version: "3.11"
      - run: pip install "$STATUSGEN"
      - name: Notify subscribers
        env:
          STATUSGEN_CHANNELS: ${{ secrets.STATUSGEN_CHANNELS }}
          STATUSGEN_SITEURL: ${{ needs.build.outputs.siteurl }}  # links in messages: the published site
          GH_TOKEN: ${{ github.token }}
        run: |
          if [ -z "$STATUSGEN_CHANNELS" ]; then
            echo "::notice title=statusgen notify::no channels yet: add the secret STATUSGEN_CHANNELS to notify" \\
                 "subscribers"
            exit 0
          fi
          # The token reaches git through this step's environment only: nothing is written to .git/config.
          auth="$(printf 'x-access-token:%s' "$GH_TOKEN" | base64 -w0)"
          echo "::add-mask::$auth"
          export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$GITHUB_SERVER_URL/.extraheader"
          export GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $auth"
          export GIT_AUTHOR_NAME="github-actions[bot]" GIT_COMMITTER_NAME="github-actions[bot]"
          export GIT_AUTHOR_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
          export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
          statusgen notify . -s publishconf.py
"""


# Every value from an issue, a comment or an alert reaches the commands as data: the event file, environment
# variables and files, never `${{ }}` inside a script (zizmor's template-injection audit checks it).
POST_WORKFLOW = """\
# Post to the status page from a phone and draft incidents from monitoring alerts (statusgen post-from-issue,
# statusgen draft). Only people with write access post; an alert only ever opens a pull request, which a person
# merges to publish.
#
# Once per repository: Settings > Actions > General > Workflow permissions: "Allow GitHub Actions to create and
# approve pull requests" (for the alert drafts). Alerts arrive as a repository_dispatch of type "alert" whose
# client_payload is {"source": "alertmanager" | "grafana" | "uptime-kuma", "payload": <the tool's webhook body>};
# the README shows the relay.
name: post to the status page

on:
  issues:
    types: [opened]
  # zizmor's dangerous-triggers audit reports every issue_comment trigger, whatever the workflow does with it (it
  # looks at the trigger alone), because such workflows often run a pull request's code with a writing token. This
  # one is safe, so the finding is silenced here and nowhere else: it ignores comments on pull requests, runs only
  # for the repository's own people (author_association) and posts only for those GitHub's API says have write
  # access, who could push the same change themselves; it checks out the default branch alone (never a pull
  # request's code) and keeps no token in it; the comment reaches statusgen as data (the event file), never a shell.
  issue_comment:  # zizmor: ignore[dangerous-triggers]
    types: [created]
  repository_dispatch:
    types: [alert]

permissions: {}

concurrency:
  group: status-post  # one post at a time: each starts from the branch as the last one left it
  cancel-in-progress: false

env:
  STATUSGEN: {install}  # the statusgen that wrote this file; change it to upgrade

jobs:
  issue:
    # comments on pull requests, comments that are no command, and anyone not of the repository's people (owner,
    # organisation member, collaborator) start nothing; among those, only write access posts (asked of the API)
    if: >-
      github.event_name != 'repository_dispatch' && !github.event.issue.pull_request &&
      (github.event_name == 'issues' || startsWith(github.event.comment.body, '/')) &&
      contains(fromJSON('["OWNER", "MEMBER", "COLLABORATOR"]'),
               github.event.comment.author_association || github.event.issue.author_association)
    runs-on: ubuntu-latest
    permissions:
      contents: write  # commit the incident file
      issues: write  # answer in the issue
      actions: write  # start the status page's build (a push by this workflow's token starts none)
    steps:
      - uses: {actions/checkout}
        with:
          persist-credentials: false
      - uses: {actions/setup-python}
        with:
          python-version: "3.11"
      - run: pip install "$STATUSGEN"
      - name: Start from the branch as it is now
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          # the checkout is the commit of the moment the issue or comment was made: a post that ran since (this
          # run waited for it) has moved the branch, and a post made on the old commit could not be pushed
          gh auth setup-git
          git fetch -q origin "$GITHUB_REF_NAME"
          git reset -q --hard FETCH_HEAD
      - name: Ask GitHub what the author may do
        id: author
        env:
          GH_TOKEN: ${{ github.token }}
          AUTHOR: ${{ github.event.comment.user.login || github.event.issue.user.login }}
        run: |
          permission="$(gh api "repos/$GITHUB_REPOSITORY/collaborators/$AUTHOR/permission" --jq .permission \\
                        || echo none)"
          echo "permission=$permission" >> "$GITHUB_OUTPUT"
      - name: Post
        id: post
        env:
          PERMISSION: ${{ steps.author.outputs.permission }}
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          statusgen post-from-issue --event "$GITHUB_EVENT_PATH" --permission "$PERMISSION" \\
                                    --reply "$RUNNER_TEMP/reply.md" --outputs "$GITHUB_OUTPUT" --commit
      - name: Push and build
        if: steps.post.outputs.posted == 'true'
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          gh auth setup-git
          git push origin HEAD
          gh workflow run status.yml --ref "$(git branch --show-current)"
      - name: Answer in the issue
        env:
          GH_TOKEN: ${{ github.token }}
          NUMBER: ${{ github.event.issue.number }}
        run: |
          if [ -s "$RUNNER_TEMP/reply.md" ]; then
            gh issue comment "$NUMBER" --repo "$GITHUB_REPOSITORY" --body-file "$RUNNER_TEMP/reply.md"
          fi

  alert:
    if: github.event_name == 'repository_dispatch'
    runs-on: ubuntu-latest
    permissions:
      contents: write  # the draft's branch
      pull-requests: write  # its pull request, and the comment when the alert resolves
    steps:
      - uses: {actions/checkout}
        with:
          persist-credentials: false
      - uses: {actions/setup-python}
        with:
          python-version: "3.11"
      - run: pip install "$STATUSGEN"
      - name: Draft
        id: draft
        run: |
          jq '.client_payload.payload' "$GITHUB_EVENT_PATH" > "$RUNNER_TEMP/payload.json"
          source="$(jq -r '.client_payload.source' "$GITHUB_EVENT_PATH")"
          statusgen draft --from "$source" "$RUNNER_TEMP/payload.json" \\
                          --reply "$RUNNER_TEMP/reply.md" --outputs "$GITHUB_OUTPUT"
      - name: Open its pull request, or comment on it
        env:
          GH_TOKEN: ${{ github.token }}
          STATE: ${{ steps.draft.outputs.state }}
          BRANCH: ${{ steps.draft.outputs.branch }}
          DRAFT: ${{ steps.draft.outputs.path }}
          TITLE: ${{ steps.draft.outputs.title }}
          WRITTEN: ${{ steps.draft.outputs.written }}
        run: |
          gh auth setup-git
          if git ls-remote --exit-code origin "refs/heads/$BRANCH" > /dev/null; then
            if [ "$STATE" = resolved ]; then
              gh pr comment "$BRANCH" --body-file "$RUNNER_TEMP/reply.md"
            fi
            exit 0  # the same alert again: its pull request is open already
          fi
          if [ "$STATE" = firing ] && [ "$WRITTEN" = true ]; then  # not written: published from this alert already
            git config user.name "github-actions[bot]"
            git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
            git switch -c "$BRANCH"
            git add -- "$DRAFT"
            git commit -q -m "Draft from an alert: $TITLE" -- "$DRAFT"
            git push origin "$BRANCH"
            gh pr create --head "$BRANCH" --title "$TITLE" --body-file "$RUNNER_TEMP/reply.md"
          fi
"""


def gitlab_ci(site: NewSite) -> str:
    return GITLAB_CI.replace("{install}", json.dumps(site.install))


GITLAB_CI = """# Check incident files on every merge request; build and publish the status page to GitLab Pages from the
# default branch, then tell subscribers of what is new. Add a schedule in Build > Pipeline schedules:
# "*/15 * * * *" on the default branch, so the page is rebuilt on a clock. Set the CI/CD variable
# STATUSGEN_SITEURL to serve it at another address.

stages: [test, deploy, notify]

variables:
  STATUSGEN: {install}  # the statusgen that wrote this file; change it to upgrade
  # What the alert and issue jobs read of a pipeline trigger's payload with Python, as numbers only, or not at all:
  IS_GITLAB_EVENT: 'import json, sys; sys.exit("object_kind" not in json.load(open(sys.argv[1])))'
  AUTHOR_ID: 'import json, sys; print(int(json.load(open(sys.argv[1]))["user"]["id"]))'
  ISSUE_IID: 'import json, sys; e = json.load(open(sys.argv[1])); print(int((e.get("issue") or e["object_attributes"])["iid"]))'

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
    - export STATUSGEN_SITEURL="${STATUSGEN_SITEURL:-$CI_PAGES_URL}"
    - statusgen check .
    - statusgen build . -s publishconf.py -o public  # as of now, on a push too
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_PIPELINE_SOURCE == "trigger"  # an alert (the alert job below): nothing new to publish
      when: never
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

# Once the site is published, send each update it newly shows to the channels in STATUSGEN_CHANNELS (Apprise
# URLs, one TAGS=URL a line: email, chat, webhooks), once each; scheduled pipelines send the reminders of promises
# falling due. What was sent is recorded on the branch statusgen-notify, which this job pushes. The job token
# GitLab gives every job cannot push, so, once (Settings > CI/CD > Variables, each masked and protected):
#   STATUSGEN_CHANNELS      the channels; without it this job only says that there are none
#   STATUSGEN_NOTIFY_TOKEN  a project access token (Settings > Access tokens) with the Developer role and the
#                           write_repository scope, used by this job alone to push that branch
notify:
  stage: notify
  resource_group: notify  # one at a time: two pipelines never both send an update
  variables:
    GIT_DEPTH: 0
  script:
    - |
      if [ -z "${STATUSGEN_CHANNELS:-}" ]; then
        echo "statusgen notify: no channels yet: add the CI/CD variable STATUSGEN_CHANNELS to notify subscribers"
        exit 0
      fi
      if [ -z "${STATUSGEN_NOTIFY_TOKEN:-}" ]; then
        echo "statusgen notify: STATUSGEN_NOTIFY_TOKEN is not set: nothing can record what was sent" >&2
        exit 1
      fi
      git remote set-url origin \\
        "${CI_SERVER_PROTOCOL}://statusgen:${STATUSGEN_NOTIFY_TOKEN}@${CI_SERVER_FQDN}/${CI_PROJECT_PATH}.git"
      export GIT_AUTHOR_NAME=statusgen GIT_COMMITTER_NAME=statusgen
      export GIT_AUTHOR_EMAIL="statusgen@${CI_SERVER_HOST}" GIT_COMMITTER_EMAIL="statusgen@${CI_SERVER_HOST}"
      export STATUSGEN_SITEURL="${STATUSGEN_SITEURL:-$CI_PAGES_URL}"  # links in messages: the published site
      statusgen notify . -s publishconf.py
  rules:
    - if: $CI_PIPELINE_SOURCE == "trigger"
      when: never
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

# An alert from monitoring becomes a draft incident in a merge request: merging it publishes it. The tool posts its
# own webhook body to a pipeline trigger (Settings > CI/CD > Pipeline trigger tokens), whose URL names the tool:
#   https://gitlab.com/api/v4/projects/<id>/ref/main/trigger/pipeline?token=<trigger token>
#     &variables[STATUSGEN_ALERT_SOURCE]=alertmanager   (or grafana, uptime-kuma)
# GitLab hands the body to this job as the file $TRIGGER_PAYLOAD. Once (Settings > CI/CD > Variables, masked and
# protected): STATUSGEN_GITLAB_TOKEN, a project access token (Settings > Access tokens) with the Developer role and
# the scopes api (open the merge request, comment on it) and write_repository (push the draft's branch). The same
# alert twice opens one merge request; a resolved alert comments on it and resolves nothing. Every value from the
# payload stays in files: statusgen writes the API request's body, curl sends it as it is.
alert:
  stage: test
  resource_group: alert  # one at a time: the same alert twice must find the first one's branch
  variables:
    GIT_DEPTH: 0
  script:
    - |
      if python3 -c "$IS_GITLAB_EVENT" "$TRIGGER_PAYLOAD"; then
        exit 0  # an issue or a comment (the issue job's), not an alert
      fi
      if [ -z "${STATUSGEN_GITLAB_TOKEN:-}" ]; then
        echo "statusgen draft: STATUSGEN_GITLAB_TOKEN is not set: no merge request can be opened" >&2
        exit 1
      fi
      work="$(mktemp -d)"
      statusgen draft --from "${STATUSGEN_ALERT_SOURCE:-alertmanager}" "$TRIGGER_PAYLOAD" \\
        --outputs "$work/draft.env" --merge-request "$work/request.json" --target "$CI_DEFAULT_BRANCH"
      value() { sed -n "s/^$1=//p" "$work/draft.env"; }
      branch="$(value branch)"
      api="$CI_API_V4_URL/projects/$CI_PROJECT_ID"
      send() {  # send() PATH: the request statusgen wrote, as it is
        curl --fail --silent --show-error --header "PRIVATE-TOKEN: $STATUSGEN_GITLAB_TOKEN" \\
             --header "Content-Type: application/json" --data-binary "@$work/request.json" "$api/$1"
      }
      git remote set-url origin \\
        "${CI_SERVER_PROTOCOL}://statusgen:${STATUSGEN_GITLAB_TOKEN}@${CI_SERVER_FQDN}/${CI_PROJECT_PATH}.git"
      if git ls-remote --exit-code origin "refs/heads/$branch" > /dev/null; then
        if [ "$(value state)" = resolved ]; then
          curl --fail --silent --show-error --get --header "PRIVATE-TOKEN: $STATUSGEN_GITLAB_TOKEN" \\
               --data state=opened --data-urlencode "source_branch=$branch" "$api/merge_requests" > "$work/open.json"
          iid="$(python3 -c 'import json, sys; print(next((m["iid"] for m in json.load(open(sys.argv[1]))), ""))' \\
                 "$work/open.json")"
          if [ -n "$iid" ]; then send "merge_requests/$iid/notes"; fi
        fi
        exit 0  # the same alert again: its merge request is open already
      fi
      if [ "$(value state)" = firing ] && [ "$(value written)" = true ]; then  # not written: published already
        export GIT_AUTHOR_NAME=statusgen GIT_COMMITTER_NAME=statusgen
        export GIT_AUTHOR_EMAIL="statusgen@${CI_SERVER_HOST}" GIT_COMMITTER_EMAIL="statusgen@${CI_SERVER_HOST}"
        git switch -c "$branch"
        git add -- "$(value path)"
        git commit -q -m "Draft from an alert: $(value title)"
        git push origin "$branch"
        send merge_requests
      fi
  rules:
    - if: $CI_PIPELINE_SOURCE == "trigger" && $TRIGGER_PAYLOAD

# An issue opened with a template of .gitlab/issue_templates/ (the issue's title is the incident's), and a comment
# in it whose first line is /update or /resolve, posted as on GitHub (see the README): through the same code as
# `statusgen new`, checked, committed and pushed to the default branch, whose pipeline publishes it; answered with a
# note in the issue. Only authors with the Developer role or more post (asked of GitLab's API). GitLab starts no
# pipeline for an issue by itself, so, once: Settings > Webhooks: URL the pipeline trigger's above (without the
# variables), triggered by "Issues events" and "Comments"; its body reaches this job as $TRIGGER_PAYLOAD. It uses
# STATUSGEN_GITLAB_TOKEN too (api: the author's role and the note; write_repository: the push).
issue:
  stage: test
  resource_group: status-post  # one post at a time: each starts from the branch as the last one left it
  variables:
    GIT_DEPTH: 0
  script:
    - |
      if ! python3 -c "$IS_GITLAB_EVENT" "$TRIGGER_PAYLOAD"; then
        exit 0  # an alert: the alert job's
      fi
      if [ -z "${STATUSGEN_GITLAB_TOKEN:-}" ]; then
        echo "statusgen post-from-issue: STATUSGEN_GITLAB_TOKEN is not set: nothing can be posted" >&2
        exit 1
      fi
      work="$(mktemp -d)"
      api="$CI_API_V4_URL/projects/$CI_PROJECT_ID"
      author="$(python3 -c "$AUTHOR_ID" "$TRIGGER_PAYLOAD")"
      curl --silent --show-error --header "PRIVATE-TOKEN: $STATUSGEN_GITLAB_TOKEN" \\
           "$api/members/all/$author" > "$work/member.json" || true  # not a member: an error, no access
      git remote set-url origin \\
        "${CI_SERVER_PROTOCOL}://statusgen:${STATUSGEN_GITLAB_TOKEN}@${CI_SERVER_FQDN}/${CI_PROJECT_PATH}.git"
      # from the branch as it is now: a post that ran since this pipeline began (it waited for it) has moved it
      git fetch -q origin "$CI_DEFAULT_BRANCH"
      git checkout -q -B "$CI_DEFAULT_BRANCH" FETCH_HEAD
      export GIT_AUTHOR_NAME=statusgen GIT_COMMITTER_NAME=statusgen
      export GIT_AUTHOR_EMAIL="statusgen@${CI_SERVER_HOST}" GIT_COMMITTER_EMAIL="statusgen@${CI_SERVER_HOST}"
      statusgen post-from-issue --event "$TRIGGER_PAYLOAD" --gitlab-member "$work/member.json" \\
        --note "$work/note.json" --outputs "$work/post.env" --commit
      if grep -qx "posted=true" "$work/post.env"; then
        git push origin "HEAD:refs/heads/$CI_DEFAULT_BRANCH"
      fi
      if [ -s "$work/note.json" ]; then
        curl --fail --silent --show-error --header "PRIVATE-TOKEN: $STATUSGEN_GITLAB_TOKEN" \\
             --header "Content-Type: application/json" --data-binary "@$work/note.json" \\
             "$api/issues/$(python3 -c "$ISSUE_IID" "$TRIGGER_PAYLOAD")/notes"
      fi
  rules:
    - if: $CI_PIPELINE_SOURCE == "trigger" && $TRIGGER_PAYLOAD
"""

# Dependabot proposes each new release of the actions the workflow pins by commit.
DEPENDABOT = """\
# Dependabot proposes a pull request when an action .github/workflows/status.yml uses has a new release: the
# workflow names each by its commit, so nothing changes under it without a pull request.
version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
    cooldown:
      default-days: 7  # a release a week old: time for a bad one to be found and withdrawn
"""


SCHEMA_FOLDER = ".statusgen"  # JSON Schemas of the files authors write, for editors (see schema.py)


def files(site: NewSite) -> dict[str, str]:
    """Every file of the new site, by its path inside the site folder."""
    from . import forms, schema

    return {
        **forms.render(new_catalog(site)),
        **{f"{SCHEMA_FOLDER}/{name}": schema.render(name) for name in schema.SCHEMAS},
        "content/components.yml": catalog(site),
        "content/incidents/README.md": INCIDENTS_README,
        "pelicanconf.py": settings_file(site),
        "publishconf.py": PUBLISH_SETTINGS,
        ".gitignore": GITIGNORE,
        ".github/workflows/status.yml": github_workflow(site),
        ".github/workflows/post.yml": github_workflow(site, POST_WORKFLOW),
        ".github/dependabot.yml": DEPENDABOT,
        ".gitlab-ci.yml": gitlab_ci(site),
    }


def new_catalog(site: NewSite) -> Catalog:
    """The catalog `catalog(site)` writes, as the model (for the issue forms)."""
    areas = tuple(Area(id=i, name=n.strip()) for i, n in ids_for(site.areas, "area"))
    everywhere = tuple(a.id for a in areas)
    return Catalog(areas=areas, groups=(), components=tuple(
        Component(id=i, name=n.strip(), areas=everywhere) for i, n in ids_for(site.services, "service")))


def refusal(folder: Path, site: NewSite) -> None:
    """Refusal (one line) if `site` cannot be made in `folder` (new or empty)."""
    site.check()
    if folder.exists() and not folder.is_dir():
        raise Refusal(f"refusing to make a site at {folder}: it is a file (expected a new or empty folder)")
    if folder.is_dir() and any(folder.iterdir()):
        count = sum(1 for _ in folder.iterdir())
        raise Refusal(f"refusing to make a site in {folder}: it holds {count} file{'s' if count != 1 else ''} or "
                      f"folder{'s' if count != 1 else ''} (expected a new or empty folder)")


def create(folder: Path, site: NewSite) -> list[Path]:
    """Write a new site into `folder` (new or empty); Refusal, writing nothing, for anything else."""
    refusal(folder, site)
    contents: dict[str, str | bytes] = dict(files(site))
    if site.wheel:
        contents[f"{WHEELS}/{site.wheel.name}"] = site.wheel.data
    written = []
    for name, content in contents.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
