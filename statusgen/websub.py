"""Telling a WebSub hub that feeds changed, so that it fetches them and pushes them to their subscribers at once.

The W3C Recommendation (https://www.w3.org/TR/websub/) leaves how a publisher tells its hub to the hub. What hubs
accept in practice is the PubSubHubbub ping: a form-encoded POST of `hub.mode=publish` and `hub.url` (the feed's
URL), answered 2xx (Google's hub 204, others 200 or 202). Some hubs (websubhub.com, several self-hosted ones) read
`hub.topic` instead, so each ping carries both, with the same URL. Google's hub takes several `hub.url` in one
request, others only one: one request per feed works with every hub, and says which feed's ping failed.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from http.client import HTTPException, responses
from typing import Iterable
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

from .feeds import Feed
from .model import Incident

DEFAULT_TIMEOUT = 10.0  # seconds for each ping: a hub that hangs must not hold up the other notices


@dataclass(frozen=True)
class Failure:
    """A ping the hub did not take: the feed it was for, and why, in a few words ("HTTP 503 Service
    Unavailable", "timed out", "connection refused")."""

    topic: str
    reason: str

    def __str__(self) -> str:
        return f"{self.topic}: the hub did not take the ping ({self.reason})"


def topics(feeds: Iterable[Feed], incidents: Iterable[Incident], site_url: str) -> list[str]:
    """The topics to ping once updates of `incidents` are published: the absolute URL of each of `feeds`
    (feeds.site_feeds) that includes any of them, Atom then RSS, in the order of `feeds`. `site_url`: the SITEURL
    readers subscribe under (absolute; the hub fetches what it is told)."""
    chosen = list(incidents)
    base = site_url.rstrip("/")
    return [f"{base}/{path}" for feed in feeds if any(feed.includes(i) for i in chosen)
            for path in (feed.atom, feed.rss)]


def ping(hub: str, topics: Iterable[str], timeout: float = DEFAULT_TIMEOUT) -> list[Failure]:
    """Tell `hub` that each of `topics` (the absolute URLs of the feeds that changed; each once, in the order
    given) has new content: one POST per feed. Returns the pings that failed (empty when the hub took every one);
    never raises for what the hub or the network did."""
    failures = []
    for topic in dict.fromkeys(topics):
        reason = _post(hub, topic, timeout)
        if reason is not None:
            failures.append(Failure(topic, reason))
    return failures


class _NoRedirect(HTTPRedirectHandler):
    """A redirect is an answer, not a success: urllib would follow a 301 or 302 with a GET, without the form, and
    take the 200 it got for a ping the hub never had."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = build_opener(_NoRedirect)


def _post(hub: str, topic: str, timeout: float) -> str | None:
    """Why the ping of `topic` failed, or None when the hub answered 2xx."""
    body = urlencode({"hub.mode": "publish", "hub.url": topic, "hub.topic": topic}).encode("ascii")
    request = Request(hub, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "statusgen (WebSub ping)"})
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            answer.read(65536)
            return None if 200 <= answer.status < 300 else f"HTTP {answer.status} {answer.reason}"
    except HTTPError as err:
        return f"HTTP {err.code} {err.reason or responses.get(err.code, '')}".rstrip()
    except (socket.timeout, TimeoutError):
        return "timed out"
    except URLError as err:
        reason = err.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return "timed out"
        return getattr(reason, "strerror", None) or str(reason)
    except (HTTPException, OSError) as err:
        return str(err) or type(err).__name__
