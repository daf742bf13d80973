"""The bookmarks on a relational database: SQLAlchemy 2 models, Alembic migrations.

- ``models.py``: the tables, as typed SQLAlchemy models (task sql-schema);
- ``engine.py``: the engine, with SQLite's foreign keys switched on;
- ``migrations/``: the Alembic revisions that build the schema (task sql-migrations);
- ``repository.py``: ``SqlBookmarkRepository``, the API's storage on the database;
- ``app.py``: ``create_sql_app``, the app that uses it when a database is configured;
- ``report.py``: the visits report, in raw SQL over a view;
- ``visits.py``: the visits of a bookmark over a period, served by an index.
"""
