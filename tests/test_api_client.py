"""The JSON API read by a real Statuspage client: statuspage-prometheus-exporter, against the served example site."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import serving

CLIENT = textwrap.dedent("""\
    import json, os, sys
    url = sys.argv[1]
    config = {"example": {"url": url, "name": "Example"}}
    with open("services.json", "w") as f:
        json.dump(config, f)
    os.environ["SERVICES_JSON_PATH"] = os.path.abspath("services.json")  # read when the module is imported
    from statuspage_prometheus_exporter.service_checker import check_status_page_service
    result = check_status_page_service("example", config["example"])
    print(json.dumps({k: result[k] for k in ("success", "status", "raw_status", "status_text", "details")}
                     | {"components": len(result["component_metadata"])}))
""")


def test_a_statuspage_client_reads_the_summary(example_output, tmp_path):
    with serving(example_output) as port:
        url = f"http://127.0.0.1:{port}/api/v2/summary.json"
        # Its own process and folder: it reads its settings at import and writes a cache under the current folder.
        result = subprocess.run([sys.executable, "-c", CLIENT, url], cwd=tmp_path, capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["success"] is True
    assert (seen["status"], seen["raw_status"]) == (0, "major")  # one open incident of major impact
    assert seen["details"].startswith("Fixed wireless internet down in Cedar Falls")
    summary = json.loads((example_output / "api/v2/summary.json").read_text())
    assert seen["components"] == len(summary["components"])  # it lists groups and components alike
