"""The MongoDB the mongodb add-on's tests use, and the recording wrappers they hand
to the code under test.

A test gets a database twice: ``Store.db``, wrapped so that every call the code
makes (and every document a cursor hands back to it) is recorded, and
``Store.raw``, the same database through a second client, which the tests use to
arrange data and to read back what was really stored.

The database is mongomock's, in this process, unless ``<PREFIX>MONGODB_URL``
names a real server: then a throw-away database of it, dropped afterwards.
"""

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import mongomock
import pymongo


@dataclass
class Call:
    """One call the code made: the collection, the method and its arguments."""

    collection: str
    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@dataclass
class Recorder:
    """What the code sent, and how many documents its cursors handed back."""

    calls: list[Call] = field(default_factory=list)
    created: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    documents_read: int = 0
    lock: Any = field(default_factory=threading.RLock)
    """Held through each call, as a server applies each operation atomically:
    mongomock's find_one_and_update alone is a find, then an update."""
    after_call: Callable[[str], None] | None = None
    """Called with the collection's name after each call the code makes on it
    returns (for a cursor, once it has handed back its first document)."""

    def methods(self, collection: str | None = None) -> list[str]:
        return [
            c.method
            for c in self.calls
            if collection is None or c.collection == collection
        ]

    def clear(self) -> None:
        self.calls.clear()
        self.created.clear()
        self.documents_read = 0


class RecordingCursor:
    """A cursor that counts the documents it hands over."""

    def __init__(self, inner: Any, recorder: Recorder, collection: str) -> None:
        self._skf_wrapped = inner
        self._skf_recorder = recorder
        self._collection = collection
        self._started = False

    def __iter__(self) -> Iterator[Any]:
        while True:
            try:
                document = self.__next__()
            except StopIteration:
                return
            yield document

    def __next__(self) -> Any:
        with self._skf_recorder.lock:
            document = next(self._skf_wrapped)
            self._skf_recorder.documents_read += 1
        if not self._started:
            self._started = True
            if self._skf_recorder.after_call is not None:
                self._skf_recorder.after_call(self._collection)
        return document

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._skf_wrapped, name)
        if name in {"sort", "skip", "limit", "batch_size", "hint", "max_time_ms"}:

            def chained(*args: Any, **kwargs: Any) -> "RecordingCursor":
                self._skf_recorder.calls.append(Call("<cursor>", name, args, kwargs))
                attribute(*args, **kwargs)
                return self

            return chained
        if name in {"to_list", "next"}:
            raise AttributeError(f"iterate the cursor rather than calling {name}()")
        return attribute


class RecordingCollection:
    """A collection whose every call is recorded before it runs."""

    def __init__(self, inner: Any, recorder: Recorder) -> None:
        self._skf_wrapped = inner
        self._skf_recorder = recorder
        self.name = inner.name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self._skf_wrapped, name)
        if not callable(attribute):
            return attribute
        if name in {"database", "with_options", "watch"}:
            raise AttributeError(f"the tests do not let the code reach {name}")

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._skf_recorder.lock:
                self._skf_recorder.calls.append(Call(self.name, name, args, kwargs))
                result = attribute(*args, **kwargs)
            if name in {"find", "aggregate"}:
                return RecordingCursor(result, self._skf_recorder, self.name)
            if name.startswith("find_one") and result is not None:
                self._skf_recorder.documents_read += 1
            if self._skf_recorder.after_call is not None:
                self._skf_recorder.after_call(self.name)
            return result

        return call

    def __getitem__(self, name: str) -> Any:
        raise KeyError("sub-collections are not used here")


class RecordingDatabase:
    """A database whose collections record the calls made on them."""

    def __init__(self, inner: Any, recorder: Recorder, *, real: bool) -> None:
        self._skf_wrapped = inner
        self._skf_recorder = recorder
        self._real = real
        self.name = inner.name

    def __getitem__(self, name: str) -> RecordingCollection:
        return RecordingCollection(self._skf_wrapped[name], self._skf_recorder)

    def get_collection(self, name: str, **kwargs: Any) -> RecordingCollection:
        if kwargs:
            raise TypeError(f"get_collection({name!r}) with options {kwargs}")
        return self[name]

    def create_collection(self, name: str, **kwargs: Any) -> RecordingCollection:
        self._skf_recorder.created.append((name, dict(kwargs)))
        self._skf_recorder.calls.append(
            Call("<db>", "create_collection", (name,), kwargs)
        )
        if self._real:
            self._skf_wrapped.create_collection(name, **kwargs)
        else:
            # mongomock refuses a validator ("Special options not supported"):
            # the tests keep what was sent and check documents against it.
            self._skf_wrapped.create_collection(name)
        return self[name]

    def list_collection_names(self, **kwargs: Any) -> list[str]:
        return list(self._skf_wrapped.list_collection_names(**kwargs))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in {"client", "command", "with_options"}:
            raise AttributeError(name)
        return self[name]


@dataclass
class Store:
    """A database for one test: wrapped for the code, raw for the tests."""

    db: RecordingDatabase
    raw: Any
    recorder: Recorder
    real: bool


def url_variable(prefix: str) -> str:
    return f"{prefix}MONGODB_URL"


def open_store(prefix: str) -> Iterator[Store]:
    """A fresh database: a real server's if ``<prefix>MONGODB_URL`` is set."""
    url = os.environ.get(url_variable(prefix))
    name = f"test_{uuid.uuid4().hex[:12]}"
    if url:
        code_client: Any = pymongo.MongoClient(url, serverSelectionTimeoutMS=5000)
        test_client: Any = pymongo.MongoClient(url, serverSelectionTimeoutMS=5000)
    else:
        code_client = mongomock.MongoClient()
        # Same store, another client: what the tests read is what was stored.
        test_client = mongomock.MongoClient(_store=code_client._store)
    recorder = Recorder()
    try:
        yield Store(
            db=RecordingDatabase(code_client[name], recorder, real=bool(url)),
            raw=test_client[name],
            recorder=recorder,
            real=bool(url),
        )
    finally:
        test_client.drop_database(name)
        code_client.close()
        test_client.close()


# --- The shape a stored document must have, checked by the tests themselves ---

_BSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "date": lambda v: isinstance(v, datetime),
    "bool": lambda v: isinstance(v, bool),
    "double": lambda v: isinstance(v, float),
    "objectId": lambda v: type(v).__name__ == "ObjectId",
}


def schema_errors(schema: Any, value: Any, where: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema``, a ``$jsonSchema`` (the subset MongoDB
    validators commonly use: bsonType, required, properties,
    additionalProperties, items, minItems, uniqueItems, minLength, maxLength,
    minimum, enum)."""
    if not isinstance(schema, dict):
        return [f"{where}: the schema is {schema!r}, not an object"]
    errors: list[str] = []
    kinds = schema.get("bsonType", schema.get("type"))
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        unknown = [k for k in kinds if k not in _BSON_TYPES]
        if unknown:
            return [f"{where}: bsonType {unknown} is not one the tests know"]
        if not any(_BSON_TYPES[k](value) for k in kinds):
            return [f"{where}: {value!r} is not of bsonType {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}: the required field {name!r} is missing")
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(properties[name], item, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: the field {name!r} is not allowed")
    if isinstance(value, list):
        if "items" in schema:
            for index, item in enumerate(value):
                errors += schema_errors(schema["items"], item, f"{where}[{index}]")
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems") and len({repr(v) for v in value}) != len(value):
            errors.append(f"{where}: the items repeat")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{where}: longer than {schema['maxLength']}")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{where}: {value} is below {schema['minimum']}")
    return errors


EXPECTED_BOOKMARK: dict[str, Any] = {
    "bsonType": "object",
    "required": [
        "_id",
        "owner",
        "url",
        "title",
        "tags",
        "visit_count",
        "created_at",
        "updated_at",
    ],
    "additionalProperties": False,
    "properties": {
        "_id": {"bsonType": ["int", "long"]},
        "owner": {"bsonType": "string"},
        "url": {"bsonType": "string"},
        "title": {"bsonType": "string"},
        "tags": {
            "bsonType": "array",
            "items": {"bsonType": "string"},
            "uniqueItems": True,
        },
        "visit_count": {"bsonType": ["int", "long"], "minimum": 0},
        "created_at": {"bsonType": "date"},
        "updated_at": {"bsonType": "date"},
    },
}
"""What the tests require of every stored bookmark, whatever the code's validator."""

EXPECTED_VISIT: dict[str, Any] = {
    "bsonType": "object",
    "required": ["_id", "bookmark_id", "owner", "at"],
    "additionalProperties": False,
    "properties": {
        "_id": {"bsonType": "objectId"},
        "bookmark_id": {"bsonType": ["int", "long"]},
        "owner": {"bsonType": "string"},
        "at": {"bsonType": "date"},
    },
}
