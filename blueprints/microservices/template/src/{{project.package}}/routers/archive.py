"""``POST /bookmarks/{bookmark_id}/archive``: the bookmarks service asks the
archive service to keep a copy of a bookmark's page.

Task archive-client writes the route, and adds this router to ``create_app``.
"""

from fastapi import APIRouter

router = APIRouter(prefix="/bookmarks", tags=["archive"])
