"""What checking one link found."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The answer to one URL: a status, or the error that stopped it."""

    url: str
    status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the link works: an answer below 400."""
        return self.status is not None and self.status < 400
