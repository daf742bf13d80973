"""The real HTTP client of the webhook notifier, on the standard library's urllib."""

import urllib.error
import urllib.request
from collections.abc import Mapping


class UrllibClient:
    """Posts with ``urllib.request``; an HTTP error status is returned, not raised."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """Sends ``body`` to ``url`` with ``headers`` and returns the status code.

        A connection that fails raises ``OSError`` (``urllib.error.URLError``).
        """
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an HTTP URL: {url}")
        request = urllib.request.Request(
            url, data=body, headers=dict(headers), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status: int = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return status
