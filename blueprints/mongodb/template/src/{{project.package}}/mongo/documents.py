"""Documents as pymongo hands them over, and typed reads of their fields.

pymongo returns a document as a ``dict`` whose values may be of any BSON type;
these helpers read a field as the type it must have, and say which it was not.
"""

from datetime import UTC, datetime

Document = dict[str, object]
"""A MongoDB document, or a query, an update or a pipeline stage."""


def as_int(value: object) -> int:
    """``value``, an integer (a BSON int or long)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def as_str(value: object) -> str:
    """``value``, a string."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def as_datetime(value: object) -> datetime:
    """``value``, a date: MongoDB keeps UTC without the zone, put it back."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a date, got {value!r}")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def as_document(value: object) -> Document:
    """``value``, an embedded document."""
    if not isinstance(value, dict):
        raise TypeError(f"expected a document, got {value!r}")
    return {str(key): item for key, item in value.items()}
