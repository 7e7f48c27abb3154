"""The Content-Security-Policy, in Chromium: every kind of page, served with the headers the site's own `_headers`
asks for (and with its <meta> alone, as GitHub Pages serves it), loads with no violation; a site with its own
colours too; and the preview's reload script runs under the policy. A page that breaks the policy is seen to."""
from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, QuietHandler, serving

if shutil.which(CHROMIUM) is None:
    pytest.skip(f"chromium not installed at {CHROMIUM}: run scripts/install-system-deps.sh as root",
                allow_module_level=True)

from tests.test_brand import branded, build  # noqa: E402
from tests.test_widget import handler_with, parse_headers  # noqa: E402

# Every violation the page reports, and what the browser says of it on the console.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.effectiveDirective + " " + (e.blockedURI || "inline"));
});
"""


def hosted(folder: Path, headers: bool = True) -> type[QuietHandler]:
    """Serves `folder` as a host does: the `_headers` rules (or none, as GitHub Pages), 404.html at a missing page."""
    rules = parse_headers((folder / "_headers").read_text()) if headers else []

    class Host(handler_with(rules)):
        def send_head(self):
            path = Path(self.translate_path(self.path))
            if not path.exists() and (folder / "404.html").is_file():
                body = (folder / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return BytesIO(body)
            return super().send_head()

    return Host


def page_paths(output: Path) -> list[str]:
    """Every HTML page of a built site, by URL path, and a missing one (the 404 page)."""
    found = []
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        found.append("/" + (rel[:-len("index.html")] if rel.endswith("index.html") else rel))
    return found + ["/no/such/page/"]


def violations(browser, base: str, paths: list[str]) -> dict[str, dict[str, list[str]]]:
    """For each path, the policy's violations on it (events and console errors), after it has loaded."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    found = {}
    try:
        page = context.new_page()
        said: list[str] = []
        page.on("console", lambda m: m.type == "error" and said.append(m.text))
        page.on("pageerror", lambda e: said.append(str(e)))
        for path in paths:
            said.clear()
            page.goto(base + path, wait_until="load")
            events = page.evaluate("window.__violations")
            console = [m for m in said if "Content Security Policy" in m]
            if events or console:
                found[path] = {"events": sorted(events), "console": console}
    finally:
        context.close()
    return found


def policy_of(output: Path) -> str:
    rules = parse_headers((output / "_headers").read_text())
    return next(value for pattern, headers in rules if pattern.pattern == "/.*" for name, value in headers
                if name == "Content-Security-Policy")


@pytest.mark.parametrize("headers", [True, False], ids=["headers", "meta-only"])
def test_no_page_of_the_example_site_breaks_the_policy(browser, example_output, headers):
    paths = page_paths(example_output)
    assert {"/", "/history/", "/uptime/", "/no/such/page/"} <= set(paths)
    assert any(p.startswith("/incidents/") for p in paths) and any(p.startswith("/components/") for p in paths)
    assert any(p.startswith("/areas/") for p in paths)
    with serving(example_output, hosted(example_output, headers)) as port:
        base = f"http://127.0.0.1:{port}"
        assert violations(browser, base, paths) == {}


def test_the_headers_carry_the_policy_and_the_pages_its_meta(example_output):
    import lxml.html
    from urllib.request import urlopen

    policy = policy_of(example_output)
    assert policy == ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                      "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
    with serving(example_output, hosted(example_output)) as port:
        with urlopen(f"http://127.0.0.1:{port}/") as response:
            assert response.headers["Content-Security-Policy"] == policy
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["Permissions-Policy"] == ("camera=(), microphone=(), geolocation=(), payment=(), "
                                                              "usb=()")
    for page in ("index.html", "404.html", "history/index.html"):
        tree = lxml.html.parse(str(example_output / page)).getroot()
        (meta,) = tree.xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content")
        assert meta == policy.removesuffix("; frame-ancestors 'none'")  # ignored (and complained of) in a <meta>


@pytest.mark.build
def test_a_site_with_its_own_colours_breaks_no_policy_either(browser, tmp_path):
    site = branded(tmp_path)
    output = tmp_path / "out"
    assert build(site, output).exit_code == 0
    paths = ["/", "/history/", "/no/such/page/"] + [p for p in page_paths(output) if p.startswith("/incidents/")][:1]
    with serving(output, hosted(output)) as port:
        assert violations(browser, f"http://127.0.0.1:{port}", paths) == {}


def test_a_page_that_breaks_the_policy_is_seen_to(browser, example_output, tmp_path):
    """The watch above can fail: an inline style and an inline script under the site's policy are both reported."""
    probe = tmp_path / "probe"
    probe.mkdir()
    shutil.copy(example_output / "_headers", probe / "_headers")
    (probe / "index.html").write_text("<!doctype html><title>x</title><style>body{color:red}</style>"
                                      "<script>document.title = 'ran'</script><p>x</p>")
    with serving(probe, hosted(probe)) as port:
        found = violations(browser, f"http://127.0.0.1:{port}", ["/"])
    assert found["/"]["events"] == ["script-src-elem inline", "style-src-elem inline"]
    assert len(found["/"]["console"]) == 2


def test_the_preview_reload_script_runs_under_the_policy(browser, tmp_path):
    """The preview adds its reload script to every page it serves: a file of its own, so the page's policy (its
    <meta>) lets it run, and it opens the build event stream."""
    from statusgen.preview import EVENTS_PATH, RELOAD_PATH
    from tests.test_preview import BUILD_DONE, SERVING, Preview, copy_site

    running = Preview(copy_site(tmp_path / "site"), tmp_path / "temp")
    try:
        url = running.wait_for(SERVING)[1].rstrip("/")
        running.wait_for(BUILD_DONE)  # the site's pages, not the preview's own "building" page
        context = browser.new_context()
        context.add_init_script(WATCH)
        try:
            page = context.new_page()
            said: list[str] = []
            page.on("console", lambda m: m.type == "error" and said.append(m.text))
            loaded = []
            page.on("response", lambda r: RELOAD_PATH in r.url and loaded.append(r.status))
            for path in ("/", "/history/", "/no/such/page/"):
                with page.expect_request(lambda r: EVENTS_PATH in r.url):
                    page.goto(url + path, wait_until="load")
                assert page.evaluate("window.__violations") == [], path
                assert [m for m in said if "Content Security Policy" in m] == [], path
            assert loaded == [200, 200, 200]
        finally:
            context.close()
    finally:
        running.stop()
