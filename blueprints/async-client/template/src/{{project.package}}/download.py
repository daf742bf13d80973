"""Download a body without ever holding more of it than allowed."""

import httpx


class BodyTooLarge(Exception):
    """A response's body is larger than the caller accepts."""

    def __init__(self, url: str, max_bytes: int) -> None:
        super().__init__(f"{url}: the body is larger than {max_bytes} bytes")
        self.url = url
        self.max_bytes = max_bytes


async def download(client: httpx.AsyncClient, url: str, *, max_bytes: int) -> bytes:
    """The body of ``url``, or ``BodyTooLarge`` once it passes ``max_bytes``."""
    raise NotImplementedError("stream-with-a-cap: stream the body and stop at the cap")
