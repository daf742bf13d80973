"""Signed webhook notifications: an event posted as JSON with an HMAC-SHA256 signature.

The receiver recomputes the signature with the shared secret (``verify_signature``)
and so knows the event came from us, unchanged. The HTTP client is passed in: the
real one is ``transport.UrllibClient``; a test passes a stand-in.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from .retry import RetryError, RetryPolicy

SIGNATURE_HEADER = "X-Signature-256"


class HttpClient(Protocol):
    """What the notifier needs of an HTTP client."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """Sends ``body`` to ``url`` and returns the response's status code."""
        ...


class DeliveryError(Exception):
    """The receiver refused the event, or kept failing until the retries ran out."""


class TemporaryFailure(Exception):
    """A response worth trying again: 429 Too Many Requests or a 5xx."""

    def __init__(self, status: int) -> None:
        super().__init__(f"status {status}")
        self.status = status


def sign(secret: bytes, body: bytes) -> str:
    """The signature header's value for ``body``: ``sha256=`` and the hex HMAC."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is ``body``'s, compared in constant time."""
    return hmac.compare_digest(sign(secret, body), signature)


class WebhookNotifier:
    """Posts events to one URL, signed with ``secret``, retried by ``retry``."""

    def __init__(
        self,
        url: str,
        secret: bytes,
        client: HttpClient,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.secret = secret
        self.client = client
        self.retry = retry or RetryPolicy(retry_on=(TemporaryFailure, OSError))
        self.sleep = sleep

    def body(self, event: str, data: Mapping[str, object]) -> bytes:
        """The JSON document sent for an event: compact, keys sorted."""
        document = {"event": event, "data": data}
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()

    def notify(self, event: str, data: Mapping[str, object]) -> None:
        """Delivers one event; raises ``DeliveryError`` when it cannot."""
        body = self.body(event, data)
        headers = {
            "Content-Type": "application/json",
            "X-Event": event,
            SIGNATURE_HEADER: sign(self.secret, body),
        }

        def attempt() -> None:
            status = self.client.post(self.url, body, headers)
            if status == 429 or status >= 500:
                raise TemporaryFailure(status)
            if status >= 400:
                raise DeliveryError(f"{self.url} refused {event!r}: status {status}")

        try:
            self.retry.call(attempt, sleep=self.sleep)
        except RetryError as error:
            raise DeliveryError(f"{self.url} kept failing: {error}") from error
