"""Production settings: pelicanconf.py with absolute URLs. CI and `make publish` build with these.

    STATUSGEN_SITEURL=https://status.lakeshore.example statusgen build . -s publishconf.py -o output

SITEURL is where the site is served, without a trailing slash; a subpath works
("https://example.github.io/status"). Feeds and links shared outside the site then carry full URLs.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # pelicanconf.py beside this file, wherever Pelican runs
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = (os.environ.get("STATUSGEN_SITEURL") or "https://status.lakeshore.example").rstrip("/")
RELATIVE_URLS = False
