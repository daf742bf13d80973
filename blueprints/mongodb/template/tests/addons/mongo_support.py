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
    returned: list[Any] = field(default_factory=list)
    """The documents the cursors handed back, in the order they came."""
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
        self.returned.clear()


def recording_cursor(inner: Any, recorder: Recorder, collection: str) -> Any:
    """A cursor that counts the documents it hands over.

    The cursor it wraps is held by this function's closure, not by an attribute
    of the object the code gets: ``vars()`` of it finds nothing to go around."""
    started = False

    class RecordingCursor:
        __slots__ = ()

        def __iter__(self) -> Iterator[Any]:
            while True:
                try:
                    document = self.__next__()
                except StopIteration:
                    return
                yield document

        def __next__(self) -> Any:
            nonlocal started
            with recorder.lock:
                document = next(inner)
                recorder.documents_read += 1
                recorder.returned.append(document)
            if not started:
                started = True
                if recorder.after_call is not None:
                    recorder.after_call(collection)
            return document

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            if name in {"to_list", "next", "collection", "clone"}:
                raise AttributeError(f"iterate the cursor rather than calling {name}()")
            attribute = getattr(inner, name)
            if not callable(attribute):
                return attribute

            def chained(*args: Any, **kwargs: Any) -> Any:
                recorder.calls.append(Call("<cursor>", name, args, kwargs))
                result = attribute(*args, **kwargs)
                if result is inner:  # sort(), skip(), limit(), rewind()...
                    return self
                if hasattr(result, "__next__"):
                    raise AttributeError(f"iterate the cursor rather than {name}()")
                return result

            return chained

    return RecordingCursor()


_HIDDEN = {
    "database",
    "with_options",
    "watch",
    "find_raw_batches",
    "aggregate_raw_batches",
}


def recording_collection(inner: Any, recorder: Recorder) -> Any:
    """A collection whose every call is recorded before it runs (the collection
    it wraps is held by this closure, out of the code's reach)."""
    collection_name = inner.name

    class RecordingCollection:
        __slots__ = ()
        name = collection_name

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            if name in _HIDDEN:
                raise AttributeError(f"the tests do not let the code reach {name}")
            attribute = getattr(inner, name)
            if not callable(attribute):
                return attribute

            def call(*args: Any, **kwargs: Any) -> Any:
                with recorder.lock:
                    recorder.calls.append(Call(collection_name, name, args, kwargs))
                    result = attribute(*args, **kwargs)
                if name in {"find", "aggregate"}:
                    return recording_cursor(result, recorder, collection_name)
                if name.startswith("find_one") and result is not None:
                    recorder.documents_read += 1
                if recorder.after_call is not None:
                    recorder.after_call(collection_name)
                return result

            return call

        def __getitem__(self, name: str) -> Any:
            raise KeyError("sub-collections are not used here")

    return RecordingCollection()


def recording_database(inner: Any, recorder: Recorder, *, real: bool) -> Any:
    """A database whose collections record the calls made on them (the database
    it wraps is held by this closure, out of the code's reach)."""
    database_name = inner.name

    class RecordingDatabase:
        __slots__ = ()
        name = database_name

        def __getitem__(self, name: str) -> Any:
            return recording_collection(inner[name], recorder)

        def get_collection(self, name: str, **kwargs: Any) -> Any:
            if kwargs:
                raise TypeError(f"get_collection({name!r}) with options {kwargs}")
            return self[name]

        def create_collection(self, name: str, **kwargs: Any) -> Any:
            recorder.created.append((name, dict(kwargs)))
            recorder.calls.append(Call("<db>", "create_collection", (name,), kwargs))
            if real:
                inner.create_collection(name, **kwargs)
            else:
                # mongomock refuses a validator ("Special options not supported"):
                # the tests keep what was sent and check documents against it.
                inner.create_collection(name)
            return self[name]

        def list_collection_names(self, **kwargs: Any) -> list[str]:
            return list(inner.list_collection_names(**kwargs))

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_") or name in {"client", "command", "with_options"}:
                raise AttributeError(name)
            return self[name]

    return RecordingDatabase()


@dataclass
class Store:
    """A database for one test: wrapped for the code, raw for the tests."""

    db: Any
    """The database the code gets: every call on it recorded."""
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
            db=recording_database(code_client[name], recorder, real=bool(url)),
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
    "null": lambda v: v is None,
}


_JSON_TYPES: dict[str, list[str]] = {
    "object": ["object"],
    "array": ["array"],
    "string": ["string"],
    "boolean": ["bool"],
    "number": ["int", "long", "double"],
    "null": ["null"],
}
"""The names ``type`` accepts in a MongoDB ``$jsonSchema`` (JSON Schema's; not
"integer", which MongoDB does not support), as the BSON types they match. BSON
names ("int", "date", "objectId") go under ``bsonType`` only."""


KEYWORDS = {
    "bsonType",
    "type",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "enum",
    "title",
    "description",
}
"""The ``$jsonSchema`` keywords the tests evaluate. Any other one is refused: the
tests could not tell what it lets in (``patternProperties`` whose pattern matches
every name, for one, switches ``additionalProperties: false`` off)."""


def schema_errors(schema: Any, value: Any, where: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema``, a ``$jsonSchema`` (the subset MongoDB
    validators commonly use, ``KEYWORDS``: bsonType, type with JSON Schema's
    names, required, properties, additionalProperties, items, minItems, maxItems,
    uniqueItems, minLength, maxLength, minimum, maximum, enum)."""
    if not isinstance(schema, dict):
        return [f"{where}: the schema is {schema!r}, not an object"]
    unknown_keywords = sorted(set(schema) - KEYWORDS)
    if unknown_keywords:
        return [
            (
                f"{where}: the keywords {unknown_keywords} are not ones the tests "
                f"evaluate (they know {sorted(KEYWORDS)}): write the schema with "
                "those, as what another keyword lets in cannot be checked here"
            )
        ]
    errors: list[str] = []
    if "type" in schema:
        named = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
        bson = [k for k in named if k not in _JSON_TYPES]
        if bson:
            return [
                (
                    f"{where}: 'type': {schema['type']!r} names {bson}, which "
                    "MongoDB does not take under 'type' (only JSON Schema's "
                    f"{sorted(_JSON_TYPES)}): a server refuses this validator. "
                    f"Write 'bsonType': {schema['type']!r} for MongoDB's types"
                )
            ]
        if "bsonType" not in schema:
            matching = [bson for k in named for bson in _JSON_TYPES[k]]
            schema = schema | {"bsonType": matching}
    kinds = schema.get("bsonType")
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
            elif isinstance(schema.get("additionalProperties"), dict):
                extra = schema["additionalProperties"]
                errors += schema_errors(extra, item, f"{where}.{name}")
    if isinstance(value, list):
        if "items" in schema:
            for index, item in enumerate(value):
                errors += schema_errors(schema["items"], item, f"{where}[{index}]")
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{where}: more than {schema['maxItems']} items")
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
    if number and "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{where}: {value} is above {schema['maximum']}")
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
