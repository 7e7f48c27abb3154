"""GitHub issue forms made from the catalog: an incident and a maintenance form whose services and areas are the
catalog's, so that a post from a phone is a few taps; and the same two as GitLab issue templates (GitLab's are
Markdown to fill in, not forms). `statusgen forms` writes them, `init` too, and `check` says when they no longer
match the catalog.

The labels of the form's fields are also what drafts.py reads back from the issue GitHub makes of a filled form
(`### Label`, a blank line, the answer): the GitLab template is that very issue text with each field's default
answer and, in HTML comments (which GitLab does not show and drafts.py drops), what may be answered; so one reader
serves both. The message comes last, so that whatever it holds (even a line `### ETA`) cannot be taken for another
field.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problems
from .model import Catalog

FOLDER = ".github/ISSUE_TEMPLATE"
FILES = {"incident": f"{FOLDER}/statusgen-incident.yml", "maintenance": f"{FOLDER}/statusgen-maintenance.yml"}
GITLAB_FOLDER = ".gitlab/issue_templates"  # GitLab offers each file here by its name when an issue is opened
GITLAB_FILES = {"incident": f"{GITLAB_FOLDER}/Incident.md", "maintenance": f"{GITLAB_FOLDER}/Maintenance.md"}
NOT_AFFECTED = "Not affected"
STATUS_CHOICES = {NOT_AFFECTED: None, "Degraded performance": "degraded_performance",
                  "Partial outage": "partial_outage", "Major outage": "major_outage"}
STATE_CHOICES = {"Investigating": "investigating", "Identified": "identified", "Monitoring": "monitoring"}
TIME_HELP = "18:00, +2h, tomorrow 06:00, or 2026-08-29 18:00 (the site's time zone)."
HEADER = ("# Made by `statusgen forms` from content/components.yml: run it again when the catalog changes\n"
          "# (`statusgen check` says when). An issue opened with this form by someone with write access is posted\n"
          "# by .github/workflows/post.yml.\n")

# The labels drafts.py reads back, in the order the forms ask.
AREAS = "Areas affected"
STATE = "State"
ETA = "Expected resolution"
NEXT = "Next update"
TICKET = "Ticket"
START = "Start"
END = "End"
SERVICES = "Services"
MESSAGE = "Message to readers"


def status_label(name: str) -> str:
    return f"Status of {name}"


def _dropdown(ident: str, label: str, options: list[str], *, multiple: bool = False, required: bool = False,
              description: str = "") -> dict:
    attributes = {"label": label, **({"description": description} if description else {}),
                  **({"multiple": True} if multiple else {}), "options": options}
    if not multiple and not required:
        attributes["default"] = 0
    return {"type": "dropdown", "id": ident, "attributes": attributes, "validations": {"required": required}}


def _input(ident: str, label: str, description: str, placeholder: str = "", required: bool = False) -> dict:
    attributes = {"label": label, "description": description, **({"placeholder": placeholder} if placeholder else {})}
    return {"type": "input", "id": ident, "attributes": attributes, "validations": {"required": required}}


def _message(placeholder: str) -> dict:
    return {"type": "textarea", "id": "message",
            "attributes": {"label": MESSAGE, "description": "What readers see, in their words (Markdown).",
                           "placeholder": placeholder},
            "validations": {"required": True}}


def _areas(catalog: Catalog) -> dict:
    return _dropdown("areas", AREAS, [a.name for a in catalog.areas], multiple=True,
                     description="None chosen: every area of the services.")


def incident_form(catalog: Catalog) -> dict:
    """The incident form: the issue's title is the incident's."""
    body = [{"type": "markdown", "attributes": {"value": "The issue's title is the incident's title, in readers' "
                                                         "words. Choose a status for each service affected."}}]
    body += [_dropdown(f"status-{c.id}", status_label(c.name), list(STATUS_CHOICES)) for c in catalog.components]
    body += [_areas(catalog),
             _dropdown("state", STATE, list(STATE_CHOICES)),
             _input("eta", ETA, "When you expect it fixed, if you can say.", TIME_HELP),
             _input("next-update", NEXT, "When you will post again.", "+30m"),
             _input("ticket", TICKET, "The internal ticket, published.", "NOC-1234"),
             _message("Calls into and out of Millbrook fail. We are working on it.")]
    return {"name": "Status page: incident", "description": "Open an incident on the status page.",
            "labels": ["status-incident"], "body": body}


def maintenance_form(catalog: Catalog) -> dict:
    """The maintenance form: a window for the services chosen."""
    body = [{"type": "markdown", "attributes": {"value": "The issue's title is the maintenance's title, in readers' "
                                                         "words."}},
            _dropdown("services", SERVICES, [c.name for c in catalog.components], multiple=True, required=True),
            _areas(catalog),
            _input("start", START, "When the work starts.", TIME_HELP, required=True),
            _input("end", END, "When it ends.", TIME_HELP, required=True),
            _message("Calls may drop for a minute during the window.")]
    return {"name": "Status page: maintenance", "description": "Schedule maintenance on the status page.",
            "labels": ["status-maintenance"], "body": body}


FORMS = {"incident": incident_form, "maintenance": maintenance_form}


def _comment(text: str) -> str:
    """An HTML comment holding `text` whole (a name with `-->` in it cannot end it early)."""
    return f"<!-- {text.replace('--', '- -')} -->"


def _hint(element: dict) -> str:
    """What a GitLab template says, in a comment under a field's heading, may be answered there."""
    attributes = element["attributes"]
    words = [attributes.get("description", "")]
    if element["type"] == "dropdown" and attributes.get("multiple"):
        words.append(f"Any of: {', '.join(attributes['options'])}, separated by commas.")
    elif element["type"] == "dropdown":
        words.append(f"One of: {', '.join(attributes['options'])}.")
    elif attributes.get("placeholder"):
        words.append(f"For example: {attributes['placeholder']}")
    if element["validations"]["required"]:
        words.append("Required.")
    return " ".join(w for w in words if w)


def markdown_template(form: dict) -> str:
    """A GitLab issue template of a form: the issue GitHub would make of it, each field's default answer filled in
    (a dropdown's default, else nothing) and what may be answered in comments, which drafts.py drops."""
    notes = " ".join(e["attributes"]["value"] for e in form["body"] if e["type"] == "markdown")
    lines = [_comment(f"{form['name']}. {form['description']} {notes} Replace the answers below each ### heading "
                      f"and keep the headings as they are. Made by `statusgen forms` from content/components.yml: run "
                      f"it again when the catalog changes (`statusgen check` says when).")]
    for element in form["body"]:
        if element["type"] == "markdown":
            continue
        attributes = element["attributes"]
        answer = attributes["options"][attributes["default"]] if "default" in attributes else ""
        lines += ["", f"### {attributes['label']}", "", _comment(_hint(element))] + ([answer] if answer else [])
    return "\n".join(lines) + "\n"


def render(catalog: Catalog) -> dict[str, str]:
    """Each form's and template's file (relative to the site folder) and its text; the same catalog gives the same
    bytes."""
    made = {kind: make(catalog) for kind, make in FORMS.items()}
    return {**{FILES[kind]: HEADER + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=1000)
               for kind, form in made.items()},
            **{GITLAB_FILES[kind]: markdown_template(form) for kind, form in made.items()}}


def write(site_folder: Path, catalog: Catalog) -> list[Path]:
    """Write the forms into the site; the paths written."""
    written = []
    for name, text in render(catalog).items():
        path = site_folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check(site_folder: Path, catalog: Catalog, problems: Problems) -> None:
    """A problem for each form the site has that no longer matches its catalog (a site without forms has none)."""
    if not any((site_folder / name).is_file() for name in (*FILES.values(), *GITLAB_FILES.values())):
        return  # rendering the forms costs a YAML dump of the catalog: only for a site that has them
    for name, text in render(catalog).items():
        path = site_folder / name
        if path.is_file() and path.read_text(encoding="utf-8-sig") != text:
            what = "issue template" if name in GITLAB_FILES.values() else "issue form"
            problems.add(path, 1, f"{what} out of date (expected the services and areas of content/components.yml"
                                  f", got an older {what.split()[1]}: run statusgen forms)")
