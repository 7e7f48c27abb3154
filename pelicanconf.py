"""Site settings for Pelican and statusgen. `make html` builds with these; publishconf.py overrides for production."""

SITENAME = "Lakeshore Communications Status"
SITEURL = "https://status.lakeshore.example"  # where readers find it: feeds, calendars and the sitemap use it
RELATIVE_URLS = True  # pages link relatively, so output/ also works from a folder or any subpath
TIMEZONE = "America/Chicago"  # times written without an offset are in this zone, and pages show it
DEFAULT_LANG = "en"

PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["statusgen_site"]
THEME_STATIC_PATHS = []  # statusgen writes theme/static under content-hashed names itself

# statusgen renders incidents itself: Pelican's own article and page pipeline and feeds are off.
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
DIRECT_TEMPLATES = []
ARTICLE_SAVE_AS = PAGE_SAVE_AS = ""
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TYPOGRIFY = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# statusgen
STATUSGEN_ORGANIZATION = "Lakeshore Communications"
STATUSGEN_CONTACT = "Call 1-800-555-0142 or write to support@lakeshore.example"  # shown in the footer
STATUSGEN_TICKET_URL = ""  # e.g. "https://tickets.example.com/browse/{ticket}"; empty: tickets shown as text
STATUSGEN_RECENT_DAYS = 14  # resolved incidents stay on the home page this long
STATUSGEN_PAST_LIMIT = 50  # past incidents listed on each service and area page (the history lists all)
STATUSGEN_REBUILD_MINUTES = 15  # how often CI rebuilds on its schedule (see .github/workflows): said in every footer
STATUSGEN_ID_AUTHORITY = "status.lakeshore.example"  # feed entry ids (tag URIs) use it: set it once, never change it
