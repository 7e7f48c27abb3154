"""Making the page yours without forking the theme: a logo, colours, an extra stylesheet and footer links, from
the settings; single templates are overridden with Pelican's own THEME_TEMPLATES_OVERRIDES.

    STATUSGEN_LOGO = "brand/logo.svg"            # beside the settings file; shown before SITENAME
    STATUSGEN_COLORS = {"link": "#6b2fa0"}       # the theme's CSS custom properties, light scheme
    STATUSGEN_DARK_COLORS = {"link": "#d0b3ff"}  # and dark
    STATUSGEN_EXTRA_CSS = "brand/extra.css"      # linked after the theme's stylesheet
    STATUSGEN_FOOTER_LINKS = [("Our website", "https://example.com"), ("Support", "mailto:help@example.com")]

Values are checked before a build (one line each), so no setting can break the page or inject markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The theme's custom properties (theme/static/style.css) a site may set: page, text and status colours.
PROPERTIES = ("bg", "fg", "muted", "line", "card", "link", "ok", "minor", "major", "critical", "maint")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|(rgb|hsl)a?\([0-9.%,/ deg]+\)|[a-z]{3,20}")
_LINK = re.compile(r"(https?://|mailto:|tel:|/)[^\s\"'<>\\`]+", re.IGNORECASE)  # web, a contact, or the site's own
IMAGES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")


class BrandError(ValueError):
    """A brand setting that cannot be used: `key` is the setting, the message says why in one line."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key


@dataclass(frozen=True)
class Brand:
    logo: Path | None = None
    extra_css: Path | None = None
    colors: dict[str, str] = field(default_factory=dict)
    dark_colors: dict[str, str] = field(default_factory=dict)
    footer_links: tuple[tuple[str, str], ...] = ()

    def css(self) -> str:
        """The custom properties the site sets, as CSS to follow the theme's stylesheet ('' for none)."""
        def rules(colors: dict[str, str]) -> str:
            return ":root{" + ";".join(f"--{k}:{v}" for k, v in colors.items()) + "}"

        # Each in its own scheme: a light background set plainly would also win over the theme's dark one.
        css = "@media not all and (prefers-color-scheme: dark){" + rules(self.colors) + "}" if self.colors else ""
        if self.dark_colors:
            css += "@media (prefers-color-scheme: dark){" + rules(self.dark_colors) + "}"
        return css


def _file(key: str, value: Any, base: Path, suffixes: tuple[str, ...]) -> Path | None:
    if not value:
        return None
    path = Path(base, str(value))
    if path.suffix.lower() not in suffixes:
        raise BrandError(key, f"not a {'/'.join(s[1:] for s in suffixes)} file (expected one of those, got "
                              f"{str(value)!r})")
    if not path.is_file():
        raise BrandError(key, f"file not found (expected a file beside the settings, got {str(value)!r})")
    return path


def _colors(key: str, value: Any) -> dict[str, str]:
    if not value:
        return {}
    if not isinstance(value, dict):
        raise BrandError(key, f"not a mapping (expected {{\"link\": \"#6b2fa0\"}}, got {value!r})")
    for name, colour in value.items():
        if name not in PROPERTIES:
            raise BrandError(key, f"unknown colour (expected one of {', '.join(PROPERTIES)}, got {name!r})")
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour.strip()):
            raise BrandError(key, f"not a colour (expected #rrggbb, rgb(...), hsl(...) or a name, got {colour!r})")
    return {name: colour.strip() for name, colour in value.items()}


def _links(key: str, value: Any) -> tuple[tuple[str, str], ...]:
    links = []
    for item in value or ():
        if not (isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, str) for x in item)
                and item[0].strip() and _LINK.fullmatch(item[1])):
            raise BrandError(key, f"not a link (expected (\"text\", \"https://...\"), got {item!r})")
        links.append((item[0].strip(), item[1]))
    return tuple(links)


def read(settings: dict[str, Any], base: Path) -> Brand:
    """The brand settings, checked; BrandError for the first that cannot be used. `base`: the folder relative
    paths are read from (the site folder, where the settings file is)."""
    return Brand(logo=_file("STATUSGEN_LOGO", settings.get("STATUSGEN_LOGO"), base, IMAGES),
                 extra_css=_file("STATUSGEN_EXTRA_CSS", settings.get("STATUSGEN_EXTRA_CSS"), base, (".css",)),
                 colors=_colors("STATUSGEN_COLORS", settings.get("STATUSGEN_COLORS")),
                 dark_colors=_colors("STATUSGEN_DARK_COLORS", settings.get("STATUSGEN_DARK_COLORS")),
                 footer_links=_links("STATUSGEN_FOOTER_LINKS", settings.get("STATUSGEN_FOOTER_LINKS")))
