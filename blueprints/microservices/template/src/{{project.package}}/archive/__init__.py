"""The archive service: a second service beside the bookmarks API.

It keeps a copy of what a bookmarked page said (its HTTP status and title) at
the time it was archived. Three parts, each a process of its own in production:

- ``service``: the HTTP API (``POST /archives``, ``GET /archives/{archive_id}``)
  that accepts requests and puts a job on the queue;
- ``worker``: the Celery worker that takes jobs off the queue and fetches pages;
- ``store``: where both keep the archives (SQLite, a shared volume in compose).

``contract`` holds the models both services agree on.
"""
