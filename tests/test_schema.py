"""Editor support: JSON Schemas of the incident front matter and of components.yml, generated from the loader's
field tables, shipped in the package, and linked from the files `init` and `new` write."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from statusgen import schema
from statusgen.cli import main
from tests.conftest import ROOT

SHIPPED = ROOT / "statusgen" / "schemas"


def validator(name: str) -> Draft202012Validator:
    document = schema.SCHEMAS[name]()
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def as_editor_reads(text: str):
    """YAML as an editor's language server reads it (YAML 1.2: times and dates stay strings)."""
    def plain(value):
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value
    return plain(yaml.safe_load(text))


def front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---", 1)[0].split("---\n", 1)[1]


@pytest.mark.parametrize("name", sorted(schema.SCHEMAS))
def test_the_shipped_schemas_are_the_generated_ones(name):
    """After changing a field table: python -m statusgen.schema writes them anew."""
    assert (SHIPPED / name).read_text(encoding="utf-8") == schema.render(name)


def test_the_example_content_is_valid():
    assert list(validator("components.schema.json").iter_errors(
        as_editor_reads((ROOT / "content" / "components.yml").read_text()))) == []
    incidents = validator("incident.schema.json")
    for path in sorted((ROOT / "content" / "incidents").glob("*.md")):
        errors = [e.message for e in incidents.iter_errors(as_editor_reads(front_matter(path)))]
        assert errors == [], path


@pytest.mark.parametrize("text, message", [
    ("title: x\ncomponents: {phone: down}\nupdates: [{at: 2026-01-01 10:00, state: investigating, body: x}]",
     "'down' is not one of"),
    ("title: x\ncomponents: {phone: major_outage}\nupdates: [{at: 2026-01-01 10:00, state: fixed, body: x}]",
     "'fixed' is not one of"),
    ("title: x\ncomponents: {phone: major_outage}\nupdates: [{at: tomorrow, state: identified, body: x}]",
     "'tomorrow' does not match"),
    ("title: x\ncomponents: {phone: major_outage}\nupdates: [{at: 2026-01-01 10:00, state: identified, body: x}]\n"
     "etaa: 2026-01-01 12:00", "Additional properties are not allowed ('etaa' was unexpected)"),
    ("components: {phone: major_outage}\nupdates: [{at: 2026-01-01 10:00, state: identified, body: x}]",
     "'title' is a required property"),
    ("title: x\nkind: maintenance\ncomponents: {phone: under_maintenance}\n"
     "updates: [{at: 2026-01-01 10:00, state: scheduled, body: x}]", "'window' is a required property"),
])
def test_what_check_refuses_an_editor_marks_too(text, message):
    errors = [e.message for e in validator("incident.schema.json").iter_errors(as_editor_reads(text))]
    assert any(message in e for e in errors), errors


def test_init_and_new_link_their_files_to_the_schemas(tmp_path, monkeypatch):
    site = tmp_path / "s"
    assert CliRunner().invoke(main, ["init", str(site), "--name", "N", "--area", "A", "--service", "Phone"]).exit_code == 0
    catalog = (site / "content" / "components.yml").read_text()
    assert catalog.startswith("# yaml-language-server: $schema=../.statusgen/components.schema.json\n")
    assert (site / ".statusgen" / "components.schema.json").read_text() == schema.render("components.schema.json")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["new", "--title", "Calls fail", "--status", "phone=major_outage", "-m", "x",
                                       "--at", "2026-11-26 10:00Z"])
    assert result.exit_code == 0, result.output
    path = site / result.output.splitlines()[0]
    line = path.read_text().splitlines()[1]
    assert line == "# yaml-language-server: $schema=../../.statusgen/incident.schema.json"
    assert (path.parent / line.split("=", 1)[1]).resolve().is_file()
    assert CliRunner().invoke(main, ["check", str(site)]).exit_code == 0


def test_the_pre_commit_hook_runs_check():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "statusgen-check" and hook["entry"] == "statusgen check ."
    assert hook["language"] == "python" and hook["pass_filenames"] is False
