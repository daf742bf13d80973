"""Crawl a site from its first page and report its broken links."""

from dataclasses import dataclass, field

import httpx

from .results import LinkResult

# The largest page the crawler reads, in bytes.
MAX_PAGE_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link on ``page`` whose target failed."""

    page: str
    target: LinkResult


@dataclass
class CrawlReport:
    """Every URL the crawl checked, and the broken links it found."""

    checked: dict[str, LinkResult] = field(default_factory=dict)
    broken: list[BrokenLink] = field(default_factory=list)


def extract_links(html: str, base_url: str) -> list[str]:
    """The absolute ``http(s)`` URLs of the ``<a href>`` links of a page.

    Relative links are resolved against ``base_url``, fragments dropped,
    repeats dropped (first one kept, order kept).
    """
    raise NotImplementedError("crawl-the-site: parse the links with html.parser")


async def crawl(
    client: httpx.AsyncClient, start_url: str, *, limit: int = 10
) -> CrawlReport:
    """Check every link reachable from ``start_url``, following those on its site."""
    raise NotImplementedError("crawl-the-site: crawl the site concurrently")
