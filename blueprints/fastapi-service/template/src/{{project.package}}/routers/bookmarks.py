"""The ``/bookmarks`` resource.

This router has no routes yet: the tasks in TASKS.md add them one by one. Ask for
what a route needs with the annotated dependencies of ``dependencies.py``
(``RepositoryDep``, ``ClockDep``, ``SettingsDep``) rather than creating it inside
the route: that is what lets the tests swap in their own.
"""

from fastapi import APIRouter

router = APIRouter(prefix="/bookmarks", tags=["bookmarks"])
