"""The GitHub Actions the CI files use, each pinned to the full commit of a release, with that release's tag.

A tag can be moved by whoever controls the action's repository; a commit cannot, so every `uses:` names a commit
and says which release it is (`uses: actions/checkout@<sha> # v7.0.1`), as zizmor asks. Each is the current major
version, running on Node 24 (actionlint reports the Node 20 ones, which GitHub has deprecated). The commits were
read from each action's repository (`git rev-parse v7.0.1^{commit}`).

The files `statusgen init` writes take their pins from here, and the project's own workflows use the same ones
(tests/test_ci_files.py holds them in step); Dependabot (`.github/dependabot.yml`) proposes new releases.
"""
from __future__ import annotations

# action -> (commit, release tag)
PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/cache": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "actions/attest-build-provenance": ("a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32", "v4.1.0"),
    "pypa/gh-action-pypi-publish": ("ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e", "v1.13.0"),
}


def uses(action: str) -> str:
    """The value of a `uses:` line with its comment: `actions/checkout@<commit> # v7.0.1`."""
    commit, tag = PINS[action]
    return f"{action}@{commit} # {tag}"
