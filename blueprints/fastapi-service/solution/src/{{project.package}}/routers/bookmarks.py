"""The ``/bookmarks`` resource.

Routes ask for what they need with the annotated dependencies of
``dependencies.py`` rather than creating it themselves: that is what lets the
tests swap in their own repository and clock.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from ..dependencies import ClockDep, RepositoryDep, SettingsDep, require_api_key
from ..models import Bookmark, BookmarkCreate, BookmarkUpdate, normalise_tag
from ..settings import MAX_PAGE_SIZE

router = APIRouter(prefix="/bookmarks", tags=["bookmarks"])

NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No bookmark has this id"},
}
UNAUTHORIZED: dict[int | str, dict[str, object]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "Missing or invalid API key"},
}
NEEDS_API_KEY = [Depends(require_api_key)]
"""Declared on every route that changes data; reads stay public."""


@router.get("", summary="List bookmarks")
def list_bookmarks(
    repository: RepositoryDep,
    settings: SettingsDep,
    response: Response,
    limit: Annotated[
        int | None,
        Query(ge=1, le=MAX_PAGE_SIZE, description="Page size; default: configured"),
    ] = None,
    offset: Annotated[int, Query(ge=0, description="Bookmarks to skip")] = 0,
    tag: Annotated[str | None, Query(description="Only bookmarks with it")] = None,
) -> list[Bookmark]:
    """A page of bookmarks, oldest first.

    The ``X-Total-Count`` header tells how many bookmarks match in all pages.
    """
    if tag is not None:
        tag = normalise_tag(tag)
    if limit is None:
        limit = settings.page_size
    response.headers["X-Total-Count"] = str(repository.count(tag=tag))
    return repository.find(tag=tag, offset=offset, limit=limit)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a bookmark",
    dependencies=NEEDS_API_KEY,
    responses=UNAUTHORIZED,
)
def create_bookmark(
    data: BookmarkCreate,
    repository: RepositoryDep,
    clock: ClockDep,
    request: Request,
    response: Response,
) -> Bookmark:
    """Store a new bookmark; the ``Location`` header gives its address."""
    bookmark = repository.add(data, now=clock())
    location = request.url_for("get_bookmark", bookmark_id=bookmark.id)
    response.headers["Location"] = str(location)
    return bookmark


@router.get("/{bookmark_id}", summary="Get a bookmark", responses=NOT_FOUND)
def get_bookmark(bookmark_id: int, repository: RepositoryDep) -> Bookmark:
    """One bookmark by id."""
    return repository.get(bookmark_id)


@router.patch(
    "/{bookmark_id}",
    summary="Change a bookmark",
    dependencies=NEEDS_API_KEY,
    responses={**NOT_FOUND, **UNAUTHORIZED},
)
def update_bookmark(
    bookmark_id: int,
    changes: BookmarkUpdate,
    repository: RepositoryDep,
    clock: ClockDep,
) -> Bookmark:
    """Change the fields present in the body; the others keep their values."""
    return repository.update(bookmark_id, changes, now=clock())


@router.delete(
    "/{bookmark_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a bookmark",
    dependencies=NEEDS_API_KEY,
    responses={**NOT_FOUND, **UNAUTHORIZED},
)
def delete_bookmark(bookmark_id: int, repository: RepositoryDep) -> None:
    """Delete one bookmark."""
    repository.delete(bookmark_id)
