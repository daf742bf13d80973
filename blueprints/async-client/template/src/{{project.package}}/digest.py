"""Fingerprint pages in worker processes, off the event loop."""

import hashlib
import os
import re
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass

WORD = re.compile(rb"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class PageDigest:
    """A page's fingerprint, and the process that computed it."""

    url: str
    sha256: str
    words: int
    shingles: int
    pid: int


def digest_page(url: str, body: bytes) -> PageDigest:
    """Fingerprint a page: CPU-bound, pure Python, so it holds the GIL.

    ``shingles`` counts the distinct runs of five words, the usual measure of
    near-duplicate pages.
    """
    words = [word.lower() for word in WORD.findall(body)]
    shingles = {tuple(words[i : i + 5]) for i in range(max(len(words) - 4, 0))}
    return PageDigest(
        url=url,
        sha256=hashlib.sha256(body).hexdigest(),
        words=len(words),
        shingles=len(shingles),
        pid=os.getpid(),
    )


async def digest_pages(
    pages: Mapping[str, bytes], executor: Executor
) -> list[PageDigest]:
    """``digest_page`` of every page, run in ``executor``, in the order of ``pages``."""
    raise NotImplementedError("digest-in-processes: digest the pages in the executor")
