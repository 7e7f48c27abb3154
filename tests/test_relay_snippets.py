"""The few lines each monitoring tool needs to send its alerts to the post workflow, read from the README (blocks
marked `<!-- snippet: NAME -->`): each parses as the tool's own format, uses only the configuration keys the tool
documents, in the shape it documents, and, rendered with the tool's documented payload (tests/data/alerts), gives
the repository_dispatch body the workflow takes, which `statusgen draft` turns into the same draft as the tool's
own body.

Rendering: Uptime Kuma's Liquid template by liquidjs 10.26.0, the engine and version Uptime Kuma uses, vendored in
tests/data/liquidjs (run with node; skipped where there is none). Alertmanager's and Grafana's Go templates by
`render_go` below, a stand-in for the few template calls the snippets make (a field, a string, `coll.Dict`,
`toJson`, `data.ToJSON`, pipes and parentheses): no Go, Alertmanager or Grafana can run here. What the stand-in does
follows their sources: Alertmanager's webhook `payload` renders each string leaf and keeps it as data when it
parses as YAML (template.DeepCopyWithTemplate, v0.34); Grafana's `coll.Dict` and `data.ToJSON` are gomplate's.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main
from tests.conftest import ROOT
from tests.test_drafts import ALERTS

README = (ROOT / "README.md").read_text(encoding="utf-8")
DATA = Path(__file__).parent / "data"
SNIPPET = re.compile(r"^<!-- snippet: ([\w-]+) -->\n```(\w+)\n(.*?)^```$", re.M | re.S)
SNIPPETS = {name: (kind, text) for name, kind, text in SNIPPET.findall(README)}
DISPATCHES = "https://api.github.com/repos/OWNER/REPO/dispatches"

# Alertmanager's configuration keys, as docs/configuration.md (v0.34) documents them.
ALERTMANAGER_TOP = {"global", "templates", "route", "receivers", "inhibit_rules", "mute_time_intervals",
                    "time_intervals", "tracing"}
ALERTMANAGER_ROUTE = {"receiver", "group_by", "continue", "matchers", "match", "match_re", "group_wait",
                      "group_interval", "repeat_interval", "mute_time_intervals", "active_time_intervals", "routes"}
ALERTMANAGER_WEBHOOK = {"send_resolved", "url", "url_file", "http_config", "max_alerts", "timeout", "payload"}
ALERTMANAGER_AUTHORIZATION = {"type", "credentials", "credentials_file"}
# Template data's fields as Alertmanager writes them (template.Data's JSON names).
ALERTMANAGER_DATA = ("receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL")
# Grafana's contact point provisioning (docs: "Use configuration files to provision contact points") and the
# webhook integration's settings (grafana/alerting, receivers/webhook/v1/config.go).
GRAFANA_TOP = {"apiVersion", "contactPoints", "deleteContactPoints", "policies", "resetPolicies", "templates",
               "deleteTemplates", "muteTimes", "deleteMuteTimes", "groups", "deleteRules"}
GRAFANA_CONTACT_POINT = {"orgId", "name", "receivers"}
GRAFANA_RECEIVER = {"uid", "type", "settings", "disableResolveMessage"}
GRAFANA_WEBHOOK = {"url", "httpMethod", "maxAlerts", "authorization_scheme", "authorization_credentials", "username",
                   "password", "title", "message", "tlsConfig", "hmacConfig", "headers", "payload"}


# --- a stand-in for the Go template calls the snippets make ---------------------------------------------------------

TOKEN = re.compile(r'\s*(\(|\)|\||"(?:[^"\\]|\\.)*"|\.[A-Za-z]\w*|\.|[A-Za-z_][\w.]*)')
FUNCTIONS = {
    "coll.Dict": lambda *args: {str(args[i]): (args[i + 1] if i + 1 < len(args) else "")
                                for i in range(0, len(args), 2)},
    "data.ToJSON": lambda value: json.dumps(value, separators=(",", ":")),
    "toJson": lambda value: json.dumps(value, separators=(",", ":")),
}


def _tokens(text: str) -> list[str]:
    found, position = [], 0
    while position < len(text.rstrip()):
        match = TOKEN.match(text, position)
        assert match, f"not understood by the stand-in: {text[position:]!r}"
        found.append(match[1])
        position = match.end()
    return found


def _pipeline(tokens: list[str], data):
    value = _command(tokens, data, None)
    while tokens and tokens[0] == "|":
        tokens.pop(0)
        value = _command(tokens, data, value)
    return value


def _command(tokens: list[str], data, piped):
    operands = []
    while tokens and tokens[0] not in ("|", ")"):
        token = tokens.pop(0)
        if token == "(":
            operands.append(_pipeline(tokens, data))
            assert tokens.pop(0) == ")"
        elif token.startswith('"'):
            operands.append(json.loads(token))
        elif token == ".":
            operands.append(data)
        elif token.startswith("."):
            operands.append(data[token[1:]])
        else:
            assert token in FUNCTIONS, f"a function the stand-in does not know: {token}"
            operands.append(FUNCTIONS[token])
    args = operands[1:] + ([piped] if piped is not None else [])
    return operands[0](*args) if callable(operands[0]) else operands[0]


def render_go(template: str, data) -> str:
    """A Go text/template made of `{{ pipeline }}` actions and text, rendered with `data`."""
    def action(match):
        value = _pipeline(_tokens(match[1]), data)
        return value if isinstance(value, str) else str(value)
    return re.sub(r"\{\{-?(.*?)-?\}\}", action, template, flags=re.S)


def test_the_stand_in_renders_as_go_does():
    data = {"Status": "firing", "Alerts": [{"a": 1}]}
    assert render_go('x {{ coll.Dict "k" .Status "n" (coll.Dict "a" .Alerts) | data.ToJSON }} y', data) == \
        'x {"k":"firing","n":{"a":[{"a":1}]}} y'
    with pytest.raises(AssertionError, match="does not know"):
        render_go("{{ .Status | upper }}", data)


# --- the snippets ----------------------------------------------------------------------------------------------------

def test_the_readme_has_a_snippet_for_each_tool():
    assert sorted(SNIPPETS) == ["alertmanager", "grafana", "uptime-kuma-body", "uptime-kuma-headers"]


def sample(name: str) -> dict:
    return json.loads((DATA / "alerts" / name).read_text())


def alertmanager_body() -> dict:
    """The body Alertmanager sends with the README's receiver, for the documented firing payload."""
    kind, text = SNIPPETS["alertmanager"]
    assert kind == "yaml"
    config = yaml.safe_load(text)
    assert set(config) <= ALERTMANAGER_TOP
    assert set(config["route"]) <= ALERTMANAGER_ROUTE
    (receiver,) = [r for r in config["receivers"] if r["name"] == config["route"]["receiver"]]
    assert set(receiver) == {"name", "webhook_configs"}
    (webhook,) = receiver["webhook_configs"]
    assert set(webhook) <= ALERTMANAGER_WEBHOOK
    assert webhook["url"] == DISPATCHES and "url_file" not in webhook  # mutually exclusive
    assert set(webhook["http_config"]) == {"authorization"}
    assert set(webhook["http_config"]["authorization"]) <= ALERTMANAGER_AUTHORIZATION
    assert webhook["send_resolved"] is True
    payload = sample("alertmanager-firing.json")
    data = {key: payload[key] for key in ALERTMANAGER_DATA}

    def leaf(value):  # template.DeepCopyWithTemplate: a string leaf rendered, kept as data when it parses so
        if isinstance(value, dict):
            return {k: leaf(v) for k, v in value.items()}
        rendered = render_go(value, data)
        parsed = yaml.safe_load(rendered)
        return rendered if parsed is None or isinstance(parsed, str) else parsed

    return leaf(webhook["payload"])


def grafana_body() -> dict:
    kind, text = SNIPPETS["grafana"]
    assert kind == "yaml"
    config = yaml.safe_load(text)
    assert set(config) <= GRAFANA_TOP and config["apiVersion"] == 1
    (point,) = config["contactPoints"]
    assert set(point) == GRAFANA_CONTACT_POINT
    (receiver,) = point["receivers"]
    assert set(receiver) <= GRAFANA_RECEIVER and receiver["type"] == "webhook"
    settings = receiver["settings"]
    assert set(settings) <= GRAFANA_WEBHOOK and settings["url"] == DISPATCHES
    assert settings["authorization_scheme"] == "Bearer" and settings["authorization_credentials"]
    assert set(settings["payload"]) <= {"template", "vars"}
    payload = sample("grafana-firing.json")
    return json.loads(render_go(settings["payload"]["template"], {"Status": payload["status"],
                                                                  "Alerts": payload["alerts"]}))


def uptime_kuma_body() -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to run liquidjs")
    kind, template = SNIPPETS["uptime-kuma-body"]
    assert kind == "liquid"
    payload = sample("uptime-kuma-down.json")
    # what Uptime Kuma's NotificationProvider.renderTemplate gives the template (server/notification-providers)
    context = {"msg": payload["msg"], "monitorJSON": payload["monitor"], "heartbeatJSON": payload["heartbeat"],
               "status": "🔴 Down", "name": payload["monitor"]["name"], "hostnameOrURL": payload["monitor"]["url"]}
    script = ("const {Liquid} = require(process.argv[1]);"
              "const engine = new Liquid({root: './no-such-directory', relativeReference: false, "
              "dynamicPartials: false});"
              "engine.render(engine.parse(process.argv[2]), JSON.parse(process.argv[3]))"
              ".then(out => process.stdout.write(out));")
    done = subprocess.run([node, "-e", script, str(DATA / "liquidjs" / "liquid.node.js"), template.rstrip("\n"),
                           json.dumps(context)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_uptime_kumas_headers_are_json_with_the_token_and_the_content_type():
    kind, text = SNIPPETS["uptime-kuma-headers"]
    headers = json.loads(text)  # Uptime Kuma: JSON.parse(notification.webhookAdditionalHeaders)
    assert kind == "json" and headers["Authorization"].startswith("Bearer ")
    assert headers["Content-Type"] == "application/json"


BODIES = {"alertmanager": (alertmanager_body, "alertmanager-firing.json"),
          "grafana": (grafana_body, "grafana-firing.json"),
          "uptime-kuma": (uptime_kuma_body, "uptime-kuma-down.json")}


@pytest.fixture
def northwind(tmp_path, monkeypatch):
    root = tmp_path / "nw"
    result = CliRunner().invoke(main, ["init", str(root), "--name", "Northwind Fiber", "--area", "Millbrook",
                                       "--area", "Ashford", "--service", "Phone", "--service", "Fiber internet",
                                       "--install", "statusgen"])
    assert result.exit_code == 0, result.output
    (root / "content/alerts.yml").write_text(ALERTS)
    monkeypatch.chdir(root)
    return root


def draft(tool: str, payload_file: Path) -> tuple[int, str, str]:
    """`statusgen draft` of a payload file: (exit status, its output, the draft file's text)."""
    result = CliRunner().invoke(main, ["draft", "--from", tool, str(payload_file)])
    path = result.stdout.splitlines()[0] if result.exit_code == 0 else ""
    text = Path(path).read_text() if path else ""
    if path:
        Path(path).unlink()
    return result.exit_code, result.stdout, text


@pytest.mark.parametrize("tool", sorted(BODIES))
def test_each_snippet_sends_what_the_workflow_takes_and_drafts_as_the_tools_own_body(tool, northwind, tmp_path):
    make, name = BODIES[tool]
    body = make()
    workflow = yaml.safe_load((northwind / ".github/workflows/post.yml").read_text())
    assert body["event_type"] in workflow[True]["repository_dispatch"]["types"]
    assert set(body) == {"event_type", "client_payload"} and body["client_payload"]["source"] == tool
    relayed = tmp_path / "relayed.json"
    relayed.write_text(json.dumps(body["client_payload"]["payload"]))
    from_snippet = draft(tool, relayed)
    assert from_snippet[0] == 0, from_snippet
    assert from_snippet == draft(tool, DATA / "alerts" / name)
