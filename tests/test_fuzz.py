"""Fuzzing `statusgen check` with generated incident files (property-based, with hypothesis).

Whatever an author puts into content/incidents/*.md, `statusgen check` must answer like a validator:

* no Python exception escapes (a traceback is a bug, however odd the input) and the interpreter does not crash;
* it exits 0 and prints one line "ok: ...", or exits 1 and prints one line per problem, `path:line: message`,
  then "N problem(s) found; nothing was built." with N the number of those lines;
* each problem's line is a line of the file; and where only known lines are wrong, problems are on those lines
  and no others, whatever unusual line breaks (U+2028, U+2029, NEL, CR, CRLF) or BOM the file has;
* no message spans lines or carries a raw control, line-separator or bidi character, which would garble the
  terminal or hide what the author wrote;
* one check takes less than 2 s.

Each case writes one incident file into a small site in a temporary folder (the catalog of tests/conftest.py,
TIMEZONE = "America/Chicago") and runs the real CLI in-process, with the site folder as the current directory.
Deep nesting is the exception: it once crashed libyaml's composer (C recursion: a segfault, not an exception),
so those cases run the same check in a child interpreter, where a crash fails one test instead of killing the run.

The inputs: every scalar of NASTY_SCALARS in every kind of field (a fixed sweep), then hypothesis strategies:
mutated valid files, raw text and raw bytes, streams of YAML tokens, broken file framing, files with one known
wrong value among unusual line breaks, and deep nesting.

STATUSGEN_FUZZ_EXAMPLES sets the total number of hypothesis cases, shared among the strategies (default 400, a
derandomized run, so CI sees the same cases every time; 10 to 20 s with the fixed sweep); `make fuzz` runs 10,000
fresh random ones (deep nesting is capped at 100 of them, a child interpreter each).
"""
from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen import cli
from tests.conftest import CATALOG

# Hypothesis keeps caches (constants it found in the code, Unicode tables) in ./.hypothesis even without an example
# database: keep them out of the work tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "statusgen-hypothesis"))

# A failing case can be a large file: hypothesis may say its repr is large, and the warnings filter makes it an error.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")

INCIDENT = Path("content/incidents/2026-01-01-fuzz.md")
TIME_LIMIT = 2.0  # seconds for one check

# --- how many cases ------------------------------------------------------------------------------------------

LONG_RUN = "STATUSGEN_FUZZ_EXAMPLES" in os.environ
TOTAL_EXAMPLES = int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "400"))


def fuzz_settings(share: float, cap: int | None = None) -> settings:
    """Settings for one property: its share of the total cases (at most `cap`)."""
    examples = max(1, round(TOTAL_EXAMPLES * share))
    return settings(
        max_examples=min(examples, cap) if cap else examples,
        deadline=None,  # the 2 s bound is asserted on the check itself, not on generation
        derandomize=not LONG_RUN,  # the default run is the same every time; the long run explores
        database=None,  # no .hypothesis folder in the work tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                               HealthCheck.large_base_example],
    )


# --- the site and the check ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A site folder in a temporary folder: the test catalog, a Chicago TIMEZONE, and room for one incident."""
    root = tmp_path_factory.mktemp("fuzz") / "site"
    (root / "content" / "incidents").mkdir(parents=True)
    (root / "content" / "components.yml").write_text(CATALOG)
    (root / "pelicanconf.py").write_text('TIMEZONE = "America/Chicago"\n')
    return root


@dataclass
class Outcome:
    exit_code: int
    output: str  # stdout and stderr, as a terminal shows them
    elapsed: float  # seconds the check took
    error: str | None  # the traceback of an exception that escaped, if one did


def check_in_process(site: Path, data: bytes) -> Outcome:
    """Write `data` as the incident file and run `statusgen check SITE` with the site as the current directory."""
    (site / INCIDENT).write_bytes(data)
    previous = os.getcwd()
    os.chdir(site)
    try:
        start = time.perf_counter()
        result = CliRunner().invoke(cli.main, ["check", str(site)])
        elapsed = time.perf_counter() - start
    finally:
        os.chdir(previous)
    escaped = result.exception if not isinstance(result.exception, (SystemExit, type(None))) else None
    error = "".join(traceback.format_exception(escaped)) if escaped else None
    return Outcome(result.exit_code, result.output, elapsed, error)


# The same check in a child interpreter; it prints the outcome as JSON.
CHILD = """\
import json, os, sys, time, traceback
from click.testing import CliRunner
from statusgen import cli
os.chdir(sys.argv[1])
start = time.perf_counter()
result = CliRunner().invoke(cli.main, ["check", sys.argv[1]])
elapsed = time.perf_counter() - start
escaped = result.exception if not isinstance(result.exception, (SystemExit, type(None))) else None
error = "".join(traceback.format_exception(escaped)) if escaped else None
print(json.dumps({"exit_code": result.exit_code, "output": result.output, "elapsed": elapsed, "error": error}))
"""


def check_in_child(site: Path, data: bytes) -> Outcome:
    """check_in_process in a child interpreter: a crash of the interpreter fails the test, not the whole run."""
    (site / INCIDENT).write_bytes(data)
    child = subprocess.run([sys.executable, "-X", "faulthandler", "-c", CHILD, str(site)], capture_output=True,
                           text=True, timeout=120, cwd=site)
    assert child.returncode == 0, (f"the check crashed the interpreter (exit status {child.returncode})\n"
                                   f"{child.stderr[-3000:]}")
    return Outcome(**json.loads(child.stdout))


# --- what every outcome must satisfy -------------------------------------------------------------------------

INCIDENT_PROBLEM = re.compile(r"^content/incidents/2026-01-01-fuzz\.md:(\d+): \S", re.M)
OTHER_PROBLEM = re.compile(r"(content/components\.yml|TIMEZONE):(\d+): ")
SUMMARY = re.compile(r"(\d+) problems? found; nothing was built\.")
# Characters that must never reach the terminal raw: C0 and C1 controls (the split on "\n" took the newlines),
# line and paragraph separators, and the bidi embeddings, overrides and isolates.
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


WARNING = re.compile(r"warning: content/incidents/2026-01-01-fuzz\.md:1: \d+ update\(s\) dated after the build time ")


def line_count(data: bytes) -> int:
    """Lines of a file as an editor counts them (\\n, \\r\\n or \\r end a line); an empty file has line 1."""
    lines = _LINE_BREAK.split(data)
    return max(1, len(lines) - (lines[-1] == b""))


def assert_valid_outcome(outcome: Outcome, data: bytes, catalog_lines: int) -> None:
    if outcome.error is not None:  # not `assert`: pytest would print the traceback twice
        raise AssertionError(f"an exception escaped the check:\n{outcome.error}")
    assert outcome.exit_code in (0, 1), f"exit status {outcome.exit_code}; output:\n{outcome.output[:2000]}"
    assert outcome.elapsed < TIME_LIMIT, f"the check took {outcome.elapsed:.2f} s"
    lines = outcome.output.split("\n")
    assert lines[-1] == "", f"output does not end with a line break: {outcome.output[-2000:]!r}"
    lines.pop()
    for line in lines:
        raw = RAW_CONTROL.search(line)
        assert raw is None, f"raw control character {raw[0]!r} in the output line {line!r}"
    if outcome.exit_code == 0:  # ok, after a warning if an update is dated after the next build's time
        *warnings, last = lines or [""]
        assert last.startswith("ok:") and all(WARNING.match(w) for w in warnings), \
            f"exit 0 but output {outcome.output[:2000]!r}"
        return
    assert lines, "exit 1 without saying why"
    *problems, summary = lines
    counted = SUMMARY.fullmatch(summary)
    assert counted, f"last line is not the summary: {summary!r}"
    file_lines = line_count(data)
    for line in problems:
        match = INCIDENT_PROBLEM.match(line)
        if match is None:
            other = OTHER_PROBLEM.match(line)
            assert other, f"not a path:line: message line: {line!r}"
            assert other[1] == "TIMEZONE" or 1 <= int(other[2]) <= catalog_lines, f"line out of range: {line!r}"
            continue
        number = int(match[1])
        assert 1 <= number <= file_lines, f"line {number} is not a line of the file ({file_lines} lines): {line!r}"
    assert int(counted[1]) == len(problems), f"summary says {counted[1]}, {len(problems)} problem lines"


def check(site: Path, data: bytes, in_child: bool = False) -> Outcome:
    outcome = (check_in_child if in_child else check_in_process)(site, data)
    assert_valid_outcome(outcome, data, len(CATALOG.splitlines()))
    return outcome


# --- valid files as trees ------------------------------------------------------------------------------------

# A front matter is a tree of Mapping, Sequence and str; a str is a scalar's YAML source text, written into the
# file as it is (`0x_`, `"\\0"`, `|` and the lines of a block), so it can be anything, valid YAML or not.

class Mapping(list):
    """A YAML mapping as a list of [key, value] pairs, so keys can repeat."""

    flow = False  # written {a: b} rather than in block style
    prop = ""  # an anchor or tag written before it: "&a", "!!map"


class Sequence(list):
    flow = False
    prop = ""


def m(*pairs, flow: bool = False) -> Mapping:
    node = Mapping([key, value] for key, value in pairs)
    node.flow = flow
    return node


def s(*items, flow: bool = False) -> Sequence:
    node = Sequence(items)
    node.flow = flow
    return node


# Catalog: components phone (every area) and tv (south only); areas north and south. Times are Chicago time.
VALID_INCIDENT = m(
    ("title", "Calls fail in the north"),
    ("impact", "major"),
    ("started", "2026-01-01 09:05"),
    ("components", m(("phone", "major_outage"), flow=True)),
    ("areas", s("north", flow=True)),
    ("ticket", "NOC-4471"),
    ("eta", "2026-01-01 18:00"),
    ("updates", s(
        m(("at", "2026-01-01 09:20"), ("state", "investigating"), ("next_update", "2026-01-01 10:00"),
          ("body", "Calls fail. Internet service is not affected.")),
        m(("at", "2026-01-01 11:25"), ("state", "identified"), ("components", m(("phone", "partial_outage"))),
          ("body", "|\nA fiber cable was cut.\n\nSplicing is under way.")),
        m(("at", "2026-01-01T15:10:00-06:00"), ("state", "resolved"), ("components", m(("phone", "operational"))),
          ("body", "Fixed.")),
    )),
)
VALID_MAINTENANCE = m(
    ("title", "Router upgrade in the south"),
    ("kind", "maintenance"),
    ("impact", "none"),
    ("components", m(("tv", "under_maintenance"), ("phone", "under_maintenance"))),
    ("areas", s("south")),
    ("ticket", "'0042'"),
    ("window", m(("start", "2026-01-10 01:00"), ("end", "2026-01-10 10:00Z"), flow=True)),
    ("updates", s(
        m(("at", "2026-01-01 10:00"), ("state", "scheduled"), ("body", ">\nWe will upgrade the router\nat night.")),
        m(("at", "2026-01-10 01:00"), ("state", "in_progress"), ("body", "Started.")),
        m(("at", "2026-01-10 02:40:30"), ("state", "verifying"), ("body", '"Checking \\"routes\\"."')),
        m(("at", "2026-01-10 03:20"), ("state", "completed"), ("components", m(("tv", "operational"), flow=True)),
          ("body", "Done.")),
    )),
)
TEMPLATES = (VALID_INCIDENT, VALID_MAINTENANCE)


def flow(node) -> str:
    """A node in flow style, on one line unless a raw scalar spans lines."""
    if isinstance(node, Mapping):
        inner = ", ".join(f"{key}: {flow(value)}" if str(value) else str(key) + ":" for key, value in node)
        return f"{node.prop} {{{inner}}}".lstrip()
    if isinstance(node, Sequence):
        return f"{node.prop} [{', '.join(flow(item) for item in node)}]".lstrip()
    return str(node)


def _after(head: str, value, indent: int) -> list[str]:
    """`head` ("key:" or "-") followed by the value: on the same line, or as a block indented below it."""
    if isinstance(value, (Mapping, Sequence)) and value and not value.flow:
        return [f"{head} {value.prop}".rstrip()] + block(value, indent + 2)
    first, *rest = (flow(value) if isinstance(value, (Mapping, Sequence)) else str(value)).split("\n")
    return [f"{head} {first}".rstrip()] + [" " * (indent + 2) + line for line in rest]


def block(node, indent: int = 0) -> list[str]:
    """A mapping or list in block style, as authors write front matter."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(node, Mapping):
        for key, value in node:
            lines += _after(f"{pad}{key}:", value, indent)
    else:
        for item in node:
            if isinstance(item, Mapping) and item and not item.flow and not item.prop:  # "- at: ..." compact
                inner = block(item, indent + 2)
                lines += [f"{pad}- {inner[0].lstrip()}"] + inner[1:]
            else:
                lines += _after(f"{pad}-", item, indent)
    return lines


def front_matter(tree) -> str:
    return "\n".join(block(tree)) + "\n" if isinstance(tree, (Mapping, Sequence)) and tree else flow(tree) + "\n"


def incident_file(tree, body: str = "") -> bytes:
    return f"---\n{front_matter(tree)}---\n{body}".encode("utf-8", "surrogatepass")


def test_templates_are_valid(site):
    """The starting points of the mutations pass the check: what breaks is then what the mutation did."""
    for tree in TEMPLATES:
        outcome = check_in_process(site, incident_file(tree, "Summary.\n"))
        assert (outcome.exit_code, outcome.error) == (0, None), outcome.output + (outcome.error or "")


# --- nasty scalars ---------------------------------------------------------------------------------------------

NASTY_SCALARS = [
    # YAML 1.1 numbers whose own constructors can fail, near misses, and the base-60 surprise
    "0x_", "0b_", "0o_", "0_", "0x", "0b", "0o", "._", "-._", "+0x_", "-0b_", "0x_f", "1_0", "1__0", "_1", "0o17",
    "0b102", "08", "0_9", "0x1p3", ".inf", "-.inf", "+.Inf", ".NaN", "-.NaN", ".nan", "1e400", "-1e400",
    "1.0e+400", "1.5e-400", "1.e+5", "6.8523015e+5", "685.230_15e+03", "-0", "+1", "+0.0", "-0.0", "0.", ".5",
    "10:30", "1:2:3:4", "190:20:30.15", "-1:00", "+1:2:3", "1:60", "1_0:30", "99:99",
    "1" * 4301, "-" + "9" * 4301, "1" * 4300 + ":30", "1" * 4300 + ".5", "0x" + "f" * 5000, "0b" + "1" * 5000,
    "0" + "7" * 5000, "1" + "0" * 400 + ".0e+400",
    # nulls and booleans
    "~", "null", "NULL", "", "no", "NO", "yes", "on", "off", "y", "n", "true", "False",
    # times: edges of the calendar, zone gaps and folds, fractions, offsets, other digits
    "0001-01-01 00:00Z", "0001-01-01 00:00", "0001-01-01 00:00+23:59", "0001-01-01T00:00:00-23:59",
    "9999-12-31 23:00", "9999-12-31 23:59:59", "9999-12-31T23:59:59-23:59", "9999-12-31 23:59Z",
    "9999-12-31 23:59+23:59", "0000-00-00 00:00", "2026-00-01 10:00", "2026-02-29 10:00", "2026-13-01 10:00",
    "2026-03-08 02:30", "2026-03-08 02:00", "2026-11-01 01:30", "2026-11-01 01:30-05:00",
    "2026-09-14T10:40:30.5", "2026-09-14 10:40:30.123456789", "2026-09-14 10:40:30.5Z",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14", "2026-01-01 24:00",
    "2026-01-01 23:60", "2026-01-01 23:59:60", "2026-01-01 09:20+24:00", "2026-01-01 09:20+23:60",
    "2026-01-01 09:20-00:00", "2026-01-01 09:20 Z", "2026-01-01 09:20z", "2026-01-01T09:20:00+0100",
    "2026-01-01 9:20", "20260101T0920", "\u0662\u0660\u0662\u0666-01-01 09:20", "\uff12\uff10\uff12\uff16-01-01 09:20",
    "2026-01-01 09:20\u200b", "+2026-01-01 09:20", "2026-1-1 9:20",
    # tags, anchors, aliases, merge keys
    "!!binary aGVsbG8=", "!!binary ===", "!!python/object:os.system", "!!python/object/apply:os.system [echo]",
    "!!python/name:os.system", "!foo bar", "!<tag:yaml.org,2002:str> x", "!!str", "!!int x", "!!float abc",
    "!!bool maybe", "!!null x", "!!timestamp yesterday", "!!map {}", "!!seq []", "!!set {a, b}", "!!omap [a: 1]",
    "!", "!!", "! x", "!e!x y", "&a x", "*a", "*undefined", "&a [*a]", "&a {k: *a}", "&a", "&a &b x", "*", "& x",
    "*\u202eevil", "*a\u2028b", "<<: *a", "{<<: *a}", "{<<: [*a, *a]}", "<<",
    # flow collections, whole and broken
    "{}", "[]", "{a}", "[a, b", "{a: b", "[[[]]]", "{: }", "[,]", "{a: 1, a: 2}", "[a: b]", "{? a}", "]", "}",
    # quoted scalars and their escapes
    '"\\0"', '"\\x00"', '"\\a\\b\\e\\f\\v"', '"\\u202e"', '"\\u202aabc"', '"\\u2066x"', '"\\u2028"', '"\\u2029"',
    '"\\x85"', '"\\N"', '"\\_"', '"\\L"', '"\\P"', '"\\r"', '"a\\nb"', '"a\\rb"', '"\\t"', '"\\ud800"',
    '"\\U0010FFFF"', '"\\U00110000"', '"\\x7f\\x9f"', '"\\ufeff"', '"\\x1b[31mred"', '"\\"', '"', "'", "''",
    "'it''s'", '"unclosed', "'a\nb'", '"\\q"', '" "', '"\\ "', "' \t '",
    # block scalars
    "|", ">", "|-", "|+", "|2", "|9", "|0", ">-\nx", "|\nline one\nline two", "|\n\x00", ">\n\ttab",
    "|\n" + "x" * 10000, "|\n\u2028", "|\n\u202e",
    # comments, indicators and plain text
    "a #b", "#comment", "a # b", " #", "x#y", "a: b", "a:", "- a", "? a", "%", "@x", "`x", "...", "---",
    "--- x", "x" * 100_000, "\u00e9" * 1000, "\u65e5\u672c\u8a9e", "\U0001f600", "\U0001f468\u200d\U0001f469",
    "\u202eevil", "\u2066x\u2069", "a\u2028b", "a\u2029b", "a\x85b", "\ufeffx", "\x7f", "\x9f", "\x1b[31mred",
    "\x00", "\t", "a\tb", "a\rb", "\\", "%YAML 1.2", "a\x0bb", "a\x0cb", "\udcff",
    # ids: near misses of the catalog's and of the choices
    "Phone", "phone ", " phone", "phone-", "-phone", "ph--one", "phon\u0435", "\uff50\uff48\uff4f\uff4e\uff45",
    "tv", "north", "south", "nowhere", "major_outage", "operational", "resolved", "completed", "cancelled",
    "maintenance", "incident", "critical",
]
# Places a value is checked: each path picks a field in VALID_INCIDENT, each kind of check at least once.
FIELD_PATHS = {
    "title": ("title",),  # text
    "impact": ("impact",),  # a choice
    "started": ("started",),  # a time
    "ticket": ("ticket",),
    "areas[0]": ("areas", 0),  # an id in a list
    "components.phone": ("components", "phone"),  # a status
    "updates[0].at": ("updates", 0, "at"),
    "updates[0].state": ("updates", 0, "state"),
    "updates[0].next_update": ("updates", 0, "next_update"),
    "updates[1].components.phone": ("updates", 1, "components", "phone"),
}


def _value(mapping: Mapping, key: str):
    return next(value for k, value in mapping if k == key)


def _replace(tree, path, value) -> None:
    node = tree
    for step in path[:-1]:
        node = node[step] if isinstance(step, int) else _value(node, step)
    if isinstance(path[-1], int):
        node[path[-1]] = value
    else:
        next(pair for pair in node if pair[0] == path[-1])[1] = value


def nasty_in_every_field(scalar: str) -> bytes:
    """VALID_INCIDENT with `scalar` as the value of every field in FIELD_PATHS."""
    tree = copy.deepcopy(VALID_INCIDENT)
    for path in FIELD_PATHS.values():
        _replace(tree, path, scalar)
    return incident_file(tree)


def nasty_in_one_field(scalar: str) -> bytes:
    """VALID_INCIDENT with `scalar` as its impact alone (in every field, an anchor would be a duplicate)."""
    tree = copy.deepcopy(VALID_INCIDENT)
    _replace(tree, ("impact",), scalar)
    return incident_file(tree)


def nasty_as_keys(scalar: str) -> bytes:
    """VALID_INCIDENT with `scalar` as a key at the top, in an update and as a component id."""
    tree = copy.deepcopy(VALID_INCIDENT)
    _value(tree, "components").insert(1, [scalar, "degraded_performance"])
    _value(tree, "updates")[2].insert(1, [scalar, "y"])
    tree.insert(2, [scalar, "x"])
    return incident_file(tree)


@pytest.mark.parametrize("place", [nasty_in_every_field, nasty_in_one_field, nasty_as_keys],
                         ids=["values", "impact", "keys"])
@pytest.mark.parametrize("scalar", NASTY_SCALARS, ids=[f"{i}:{v[:24]!r}" for i, v in enumerate(NASTY_SCALARS)])
def test_nasty_scalar(site, scalar, place):
    """Each nasty scalar in every kind of field at once (a fixed sweep: random draws would rarely hit each)."""
    check(site, place(scalar))


# --- strategies ------------------------------------------------------------------------------------------------

# Characters that break things: controls, NUL, line and paragraph separators, NEL, bidi, BOM, YAML indicators.
SPECIAL_CHARS = list("\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9f\xa0\u2028\u2029\u200b\u200d\u200e"
                     "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffe\uffff\U0001f600\U0010ffff"
                     ":-?[]{},#&*!|>'\"%@`\\ ")

any_character = st.characters(codec="utf-8") | st.sampled_from(SPECIAL_CHARS)
unicode_text = st.text(any_character, max_size=40)


def double_quoted(text: str, ascii_only: bool) -> str:
    return json.dumps(text, ensure_ascii=ascii_only)  # JSON strings are YAML double-quoted scalars


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def literal_block(text: str) -> str:
    return "|\n" + text


styled_text = st.one_of(
    unicode_text,  # plain: often not even YAML
    st.builds(double_quoted, unicode_text, st.booleans()),
    unicode_text.map(single_quoted),
    unicode_text.map(literal_block),
)
TEMPLATE_SCALARS = sorted({str(v) for tree in TEMPLATES for v in re.findall(r"(?<=: )[^\n{}\[\],]+",
                                                                           front_matter(tree))})
scalars = st.one_of(st.sampled_from(NASTY_SCALARS), styled_text, st.sampled_from(TEMPLATE_SCALARS))
KEYS = ["title", "kind", "impact", "started", "components", "areas", "ticket", "eta", "window", "updates", "at",
        "state", "body", "next_update", "start", "end", "phone", "tv", "north", "south", "Title", "title ",
        '"title"', "'title'", "? title", "[a, b]", "{a: b}", "<<", "~", "null", "1", "0x_", "10:30", "!!str title",
        "&k title", "*k", "eta\u200b", "Ti\u0307tle", "areas\u2028", "\U0001f600"]
keys = st.one_of(st.sampled_from(KEYS), styled_text)
PROPS = ["&a", "&b", "!!map", "!!seq", "!!str", "!foo", "&a !!map", "!!set", "!!omap", "!<x>", "&\u202e"]


def _slots(tree) -> list[tuple[list, int]]:
    """(container, index) of every value in the tree."""
    found, stack = [], [tree]
    while stack:
        container = stack.pop()
        for index in range(len(container)):
            found.append((container, index))
            value = _get(container, index)
            if isinstance(value, (Mapping, Sequence)):
                stack.append(value)
    return found


def _get(container, index):
    return container[index][1] if isinstance(container, Mapping) else container[index]


def _put(container, index, value) -> None:
    if isinstance(container, Mapping):
        container[index][1] = value
    else:
        container[index] = value


def _other_type(draw, value):
    """The value as another type: mapping -> list of its values, list -> mapping, scalar -> a container."""
    if isinstance(value, Mapping):
        return Sequence(v for _, v in value)
    if isinstance(value, Sequence):
        return draw(st.sampled_from([Mapping([str(i), v] for i, v in enumerate(value)),
                                     Mapping([v if isinstance(v, str) else "k", ""] for v in value)]))
    return draw(st.sampled_from([Mapping(), Sequence(), Mapping([[value, "x"]]), Sequence([value])]))


MUTATIONS = ("replace value", "replace key", "drop", "duplicate", "add key", "wrap in list", "wrap in mapping",
             "change type", "transplant", "toggle flow style", "anchor and alias", "tag")


@st.composite
def mutated_front_matter(draw) -> bytes:
    """A valid incident or maintenance file with up to 8 mutations: values replaced by nasty scalars or random
    text, keys dropped, repeated, added or renamed, types swapped, values nested, moved, anchored and tagged."""
    tree = copy.deepcopy(draw(st.sampled_from(TEMPLATES)))
    for _ in range(draw(st.integers(0, 8))):
        slots = _slots(tree)
        if not slots:
            break
        container, index = draw(st.sampled_from(slots))
        value = _get(container, index)
        mutation = draw(st.sampled_from(MUTATIONS))
        if mutation == "replace value":
            _put(container, index, draw(scalars))
        elif mutation == "replace key" and isinstance(container, Mapping):
            container[index][0] = draw(keys)
        elif mutation == "drop":
            del container[index]
        elif mutation == "duplicate":
            container.insert(index + 1, copy.deepcopy(container[index]))
        elif mutation == "add key":
            container.insert(index, [draw(keys), draw(scalars)] if isinstance(container, Mapping) else draw(scalars))
        elif mutation == "wrap in list":
            _put(container, index, Sequence([value]))
        elif mutation == "wrap in mapping":
            _put(container, index, Mapping([[draw(keys), value]]))
        elif mutation == "change type":
            _put(container, index, _other_type(draw, value))
        elif mutation == "transplant":
            source, at = draw(st.sampled_from(slots))
            _put(container, index, copy.deepcopy(_get(source, at)))
        elif mutation == "toggle flow style" and isinstance(value, (Mapping, Sequence)):
            value.flow = not value.flow
        elif mutation == "anchor and alias":
            name = draw(st.sampled_from(["a", "b", "\u00e9", "a\u202e"]))
            if isinstance(value, (Mapping, Sequence)):
                value.prop = f"&{name}"
            else:
                _put(container, index, f"&{name} {value}")
            target, where = draw(st.sampled_from(_slots(tree)))
            _put(target, where, draw(st.sampled_from([f"*{name}", f"*{name}x", f"[*{name}, *{name}]"])))
        elif mutation == "tag":
            prop = draw(st.sampled_from(PROPS))
            if isinstance(value, (Mapping, Sequence)):
                value.prop = prop
            else:
                _put(container, index, f"{prop} {value}")
    body = draw(st.sampled_from(["", "Summary.\n", "## Review\n\n**What happened.** A cut.\n", "---\nmore\n---\n",
                                 "text with a NUL \x00 byte\n", "\u2028\u202e\n"]))
    return incident_file(tree, body)


def in_front_matter(body: str) -> bytes:
    return f"---\n{body}\n---\n".encode("utf-8", "surrogatepass")


raw_text_front_matter = st.text(any_character, max_size=400).map(in_front_matter)
BOMS = [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xef\xbb"]
raw_bytes_file = st.one_of(
    st.binary(max_size=400),  # the whole file
    st.builds(lambda bom, data: bom + b"---\n" + data + b"\n---\n", st.sampled_from(BOMS), st.binary(max_size=400)),
    st.builds(lambda bom, tree, codec: bom + incident_file(tree).decode().encode(codec), st.sampled_from(BOMS),
              st.sampled_from(TEMPLATES), st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"])),
)
YAML_TOKENS = ["[", "]", "{", "}", ":", ": ", ",", "- ", "-", "? ", "?", "&a ", "*a ", "&b", "*b", "!", "!!", "!x ",
               "!!str ", "!!binary ", "|", ">", "|-", ">+", "|2", '"', "'", "#", "# c", "\n", "\n", "\n", "  ", "    ",
               "\t", " ", "%YAML 1.1\n", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "%FOO\n", "--- ", "---\n", "...",
               "...\n", "a", "title", "components", "updates", "phone", "major_outage", "at", "state", "body",
               "window", "start", "end", "kind", "maintenance", "2026-01-01 10:00", "0x_", "10:30", "~", "<<",
               "\\", "\\u", '\\"', "\r", "\r\n", "\x00", "\x85", "\u2028", "\u2029", "\ufeff", "\u202e", "\U0001f600",
               "\u00e9", "\x7f", "\x1b"]
yaml_token_soup = st.lists(st.sampled_from(YAML_TOKENS), max_size=80).map("".join).map(in_front_matter)


def _lines_changed(data: bytes, draw, change) -> bytes:
    lines = data.split(b"\n")
    index = draw(st.integers(0, max(0, len(lines) - 1)))
    lines[index] = change(lines[index])
    return b"\n".join(lines)


FRAMINGS = ("no opening", "no closing", "bom", "crlf", "cr", "nel", "line separator", "nul", "truncate",
            "opening variant", "closing variant", "no final newline", "blank lines", "empty front matter",
            "body fences", "indent all")


@st.composite
def broken_framing(draw) -> bytes:
    """A valid (or mutated) file with its framing broken: `---` lines missing or changed, BOMs, CRLF or CR line
    ends, NEL and U+2028 as line ends, NUL bytes, a cut in the middle of a character, blank lines."""
    data = draw(st.one_of(st.sampled_from(TEMPLATES).map(incident_file), mutated_front_matter()))
    for _ in range(draw(st.integers(1, 4))):
        framing = draw(st.sampled_from(FRAMINGS))
        if framing == "no opening":
            data = data.split(b"\n", 1)[-1]
        elif framing == "no closing":
            lines = data.split(b"\n")
            closing = next((i for i, line in enumerate(lines) if i and line.rstrip() == b"---"), None)
            data = b"\n".join(lines[:closing] + lines[closing + 1:]) if closing else data
        elif framing == "bom":
            data = draw(st.sampled_from(BOMS[1:4])) + data
        elif framing == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif framing == "cr":
            data = data.replace(b"\n", b"\r")
        elif framing in ("nel", "line separator"):
            separator = "\x85" if framing == "nel" else draw(st.sampled_from(["\u2028", "\u2029"]))
            data = _lines_changed(data, draw, lambda line: line + separator.encode())
        elif framing == "nul":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + b"\x00" + data[at:]
        elif framing == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif framing == "opening variant":
            data = draw(st.sampled_from([b"--- ", b"---\t", b"----", b" ---", b"--- x", b"...", b"---\x00"])) \
                + b"\n" + data.split(b"\n", 1)[-1]
        elif framing == "closing variant":
            variant = draw(st.sampled_from([b"...", b"--- ", b"---\t# c", b"----", b" ---", b"--- x", b"---\r"]))
            data = _lines_changed(data, draw, lambda line: variant if line.strip() == b"---" else line)
        elif framing == "no final newline":
            data = data.rstrip(b"\n")
        elif framing == "blank lines":
            data = _lines_changed(data, draw, lambda line: line + draw(st.sampled_from([b"\n", b"\n  \n", b"\n\t\n"])))
        elif framing == "empty front matter":
            data = draw(st.sampled_from([b"---\n---\n", b"---\n...\n", b"---\n", b"---", b"", b"\n", b"---\n\n---\n"]))
        elif framing == "body fences":
            data = data + b"\n---\ntitle: again\n---\n"
        elif framing == "indent all":
            data = b"\n".join(b" " + line for line in data.split(b"\n"))
    return data


NESTINGS = {
    "flow mappings": lambda n: "{a: " * n,
    "flow mappings, closed": lambda n: "{a: " * n + "b" + "}" * n,
    "flow lists": lambda n: "[" * n,
    "flow lists, closed": lambda n: "[" * n + "]" * n,
    "block lists": lambda n: "- " * n + "a",
    "mixed flow": lambda n: "[{a: " * (n // 2),
    "block mappings": lambda n: "\n".join(" " * i + "a:" for i in range(min(n, 2000))),
}


def deeply_nested(shape: str, depth: int, field: str | None) -> bytes:
    """A file whose front matter is, or whose `field` holds, nesting of `shape` `depth` deep."""
    nested = NESTINGS[shape](depth)
    if field is None:
        return in_front_matter(nested)
    tree = copy.deepcopy(VALID_INCIDENT)
    _replace(tree, FIELD_PATHS[field], nested)
    return incident_file(tree)


# One wrong value at a known line, and text with unusual line breaks in quoted values above it: a problem must be
# reported at the line an editor shows (YAML 1.1 counts NEL, U+2028 and U+2029 as line breaks; editors and GitHub
# do not), never at a line that nothing is wrong with.
WRONG_VALUES = {  # a field of VALID_INCIDENT -> a value that is wrong there and nowhere else
    ("impact",): "bogus-impact",
    ("areas", 0): "bogus-area",
    ("eta",): "bogus-eta",
    ("updates", 0, "state"): "bogus-state",
    ("updates", 1, "components", "phone"): "bogus-status",
    ("updates", 2, "at"): "bogus-time",
}
NOISE = ["\u2028", "\u2029", "\x85", "\ufeff", "\t", "\u00a0", "\u200b", "\U0001f600", "\u00e9", " ", "a", "#", ":",
         "-", "'", '"', "\\"]
noisy_text = st.text(st.sampled_from(NOISE) | st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=20)


@st.composite
def one_wrong_value(draw) -> tuple[bytes, set[int]]:
    """VALID_INCIDENT with one wrong value and noisy quoted text in the title and ticket above it, as a file
    (perhaps with a BOM, CRLF or CR line ends), and the lines where problems may be."""
    tree = copy.deepcopy(VALID_INCIDENT)
    path = draw(st.sampled_from(list(WRONG_VALUES)))
    _replace(tree, path, WRONG_VALUES[path])
    noisy = draw(st.sampled_from([("title",), ("ticket",), ("title", "ticket")]))
    for field in noisy:
        quote = draw(st.sampled_from([lambda t: double_quoted(t, False), single_quoted]))
        _replace(tree, (field,), quote(draw(noisy_text)))
    text = incident_file(tree, "Summary.\n").decode("utf-8", "surrogatepass")
    lines = re.split(r"\r\n|\r|\n", text)
    expected = {number for number, line in enumerate(lines, start=1)
                if line.startswith(tuple(f"{field}:" for field in noisy)) or WRONG_VALUES[path] in line}
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + text.replace("\n", newline)).encode("utf-8", "surrogatepass"), expected


# --- the properties ----------------------------------------------------------------------------------------------

@fuzz_settings(0.35)
@given(data=mutated_front_matter())
def test_mutated_valid_files(site, data):
    """Valid files with nasty values, missing, repeated and unknown keys, swapped types, anchors and tags."""
    check(site, data)


@fuzz_settings(0.12)
@given(data=raw_text_front_matter)
def test_raw_text_front_matter(site, data):
    """Any text at all between the `---` lines: controls, NUL, NEL, U+2028, bidi characters."""
    check(site, data)


@fuzz_settings(0.10)
@given(data=raw_bytes_file)
def test_raw_bytes(site, data):
    """Any bytes: invalid UTF-8, BOMs of other encodings, UTF-16 and Latin-1 files."""
    check(site, data)


@fuzz_settings(0.15)
@given(data=yaml_token_soup)
def test_yaml_token_soup(site, data):
    """Streams of YAML's own tokens: unbalanced brackets, stray anchors, aliases, tags, directives, documents."""
    check(site, data)


@fuzz_settings(0.15)
@given(data=broken_framing())
def test_broken_framing(site, data):
    """Front matter not opened or not closed, BOMs, CRLF and CR, NUL bytes, files cut short."""
    check(site, data)


@fuzz_settings(0.10)
@given(case=one_wrong_value())
def test_problems_point_at_the_wrong_lines_only(site, case):
    """One wrong value among quoted text with unusual line breaks: problems on those lines, on no other."""
    data, lines = case
    outcome = check(site, data)
    reported = {int(m[1]) for m in INCIDENT_PROBLEM.finditer(outcome.output)}
    assert outcome.exit_code == 1 and reported, f"a wrong value passed: {outcome.output!r}"
    assert reported <= lines, f"problems on lines {sorted(reported - lines)}, where nothing is wrong: {outcome.output}"


@fuzz_settings(0.03, cap=100)  # a child interpreter each: at most 100 even in the long run
@given(shape=st.sampled_from(sorted(NESTINGS)),
       depth=st.one_of(st.sampled_from([50_000, 30_000, 20_000, 100]), st.integers(1, 50_000)),
       field=st.sampled_from([None, *FIELD_PATHS]))
def test_deep_nesting(site, shape, depth, field):
    """Nesting up to 50,000 deep, as the whole front matter or as the value of a field."""
    check(site, deeply_nested(shape, depth, field), in_child=True)
