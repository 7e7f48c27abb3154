"""A site in English and French, for the tests of content in several languages (tests/test_languages.py)."""

SITENAME = "Lakeshore Communications Status"
SITEURL = "https://status.lakeshore.example"
RELATIVE_URLS = True
TIMEZONE = "America/Chicago"
DEFAULT_LANG = "en"
STATUSGEN_LANGUAGES = ["en", "fr"]  # the first is the default: plain text in the content is English
