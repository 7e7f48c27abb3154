"""Which files a build makes, in what order, on how many processes: the site-wide jobs first, the longest at the
head, then the pages of incidents in batches, all taken from one queue by forked processes (processes.py); the
pages early placing put in place (placing.py) are left out, and those it could not place are rendered last."""
from __future__ import annotations

from functools import partial
from typing import Callable

from . import processes
from .outputs import Outputs
from .pages import PageJob, page_jobs
from .placing import EarlyPlacing

# The pages whose making asks the view for every service's uptime (SiteView.uptime and last_days, worked out when
# first asked for, once per process): made by one job, in one process.
SHARING_KINDS = frozenset({"home", "uptime", "component"})


def write_site(out: Outputs, placing: EarlyPlacing, write_page: Callable[[PageJob], None],
               site_jobs: list[Callable[[], None]], workers: int) -> int:
    """Every file of the build: `write_page` renders a page, `site_jobs` are the plugin's own (the 404 page). How
    many stored files failed their check (each was made again instead: PageStore.damaged)."""
    placed = set(placing.keys or ())
    rendered = page_jobs(out.view, leave_out=placed)
    timed = out.phases.timed
    site_pages = [partial(write_page, job) for job in rendered if job.incident is None]
    sharing = [page for page in site_pages if page.args[0].kind in SHARING_KINDS]
    jobs = [timed("api", out.write_api), partial(processes.run_all, sharing), timed("api", out.write_history),
            out.write_feeds, timed("api", out.write_badges)]
    jobs += [page for page in site_pages if page.args[0].kind not in SHARING_KINDS]
    jobs += [partial(out.write_bytes, name, data) for name, data in out.assets.values()]
    jobs += [out.write_favicons, out.write_site_files, *site_jobs]
    incident_pages = [partial(write_page, job) for job in rendered if job.incident is not None]
    processes.run_in_processes(jobs + processes.batches(incident_pages), workers, out.phases,
                               files=len(jobs) + len(rendered) + len(placed) + 2 * len(out.view.feeds)
                               + len(out.view.calendars))
    # Only now: the early placing ran beside the page writers. What it did not find in the cache (a file gone
    # since the build began), or placed for an incident that turned out otherwise, is rendered last.
    failed = placing.finish()
    if failed:
        processes.run_in_processes(processes.batches(
            [partial(write_page, job) for job in page_jobs(out.view, placed - failed)
             if job.incident is not None and job.incident.id in failed]), workers, out.phases, files=len(failed))
    damaged = out.pages.damaged()  # before pruning, which drops the list of them
    out.pages.prune([key for key in placing.reuse_keys.values() if key])
    placing.record()
    return damaged


def write_language(out: Outputs, write_page: Callable[[PageJob], None], workers: int) -> None:
    """The site again in another language (`out` is its writers: Outputs.in_language): its pages, feeds, calendars
    and badges, under its prefix; the API, history.json, assets and site files are the default language's alone."""
    pages = [partial(write_page, job) for job in page_jobs(out.view)]
    processes.run_in_processes([out.write_feeds, out.write_badges, *processes.batches(pages)], workers, out.phases,
                               files=len(pages) + 2 * len(out.view.feeds) + len(out.view.calendars))
