"""The settings of the app on MongoDB."""

from ..settings import Settings


class MongoSettings(Settings):
    """The service's settings, plus where its MongoDB is.

    ``mongodb_url`` is a MongoDB connection string
    (``mongodb://localhost:27017``). Without one, the app keeps its bookmarks in
    memory, as before.
    """

    mongodb_url: str | None = None
    mongodb_database: str = "bookmarks"
