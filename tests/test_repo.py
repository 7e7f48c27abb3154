"""What git says about a site: when each service first appeared in the catalog (uptime is not counted before)."""
from __future__ import annotations

import os
import subprocess

from statusgen.repo import first_seen


def commit(folder, when: str, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(folder), "add", "."], check=True, env=env)
    subprocess.run(["git", "-C", str(folder), "commit", "-qm", message], check=True, env=env)


def test_each_service_is_dated_by_the_commit_that_added_it(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    catalog = tmp_path / "content" / "components.yml"
    catalog.parent.mkdir()
    catalog.write_text("areas: [{id: north, name: North}]\ncomponents:\n  - id: phone\n    name: Phone\n")
    commit(tmp_path, "2025-03-01T12:00:00Z", "phone")
    catalog.write_text(catalog.read_text() + "  - id: tv\n    name: TV\n")
    commit(tmp_path, "2025-06-15T23:30:00Z", "tv")
    catalog.write_text(catalog.read_text().replace("name: TV", "name: Television"))  # a rename is not a new service
    commit(tmp_path, "2025-09-01T08:00:00Z", "rename")
    assert first_seen(catalog, ["phone", "tv", "radio"]) == {"phone": "2025-03-01", "tv": "2025-06-15"}


def test_every_service_is_dated_by_one_look_at_the_history_however_many_there_are(tmp_path, monkeypatch):
    """A service removed and added again is dated by its first addition; a commit touching other lines dates
    nothing; ids only named in a description are not added; and git is asked once, not once per service."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    catalog = tmp_path / "components.yml"
    catalog.write_text("components:\n  - id: phone\n    name: Phone\n  - id: tv\n    name: TV\n")
    commit(tmp_path, "2024-01-10T12:00:00Z", "phone and tv")
    catalog.write_text("components:\n  - id: phone\n    name: Phone\n    description: not the id: radio\n")
    commit(tmp_path, "2024-05-01T12:00:00Z", "tv gone")
    catalog.write_text(catalog.read_text() + "  - name: TV\n    id: tv\n  -   id:   radio  \n    name: Radio\n")
    commit(tmp_path, "2024-09-09T12:00:00Z", "tv back, radio")
    (tmp_path / "notes.txt").write_text("id: web\n")
    commit(tmp_path, "2024-10-01T12:00:00Z", "not the catalog")
    runs = []
    real = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *args, **kw: runs.append(args) or real(*args, **kw))
    ids = ["phone", "tv", "radio", "web", *(f"service-{n}" for n in range(30))]
    assert first_seen(catalog, ids) == {"phone": "2024-01-10", "tv": "2024-01-10", "radio": "2024-09-09"}
    assert len(runs) == 1


def test_outside_git_nothing_is_dated(tmp_path):
    catalog = tmp_path / "components.yml"
    catalog.write_text("components: []\n")
    assert first_seen(catalog, ["phone"]) == {}
