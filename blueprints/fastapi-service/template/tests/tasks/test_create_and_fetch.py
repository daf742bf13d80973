"""Task 2 (create-and-fetch): POST /bookmarks and GET /bookmarks/{bookmark_id}."""

from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

TUTORIAL = {
    "url": "https://fastapi.tiangolo.com/tutorial/",
    "title": "FastAPI tutorial",
    "tags": ["python", "web"],
}


def test_post_creates_a_bookmark(client: TestClient, now: datetime) -> None:
    response = client.post("/bookmarks", json=TUTORIAL)
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == 1
    assert body["url"] == TUTORIAL["url"]
    assert body["title"] == TUTORIAL["title"]
    assert body["tags"] == TUTORIAL["tags"]
    assert datetime.fromisoformat(body["created_at"]) == now
    assert body["updated_at"] == body["created_at"]


def test_the_openapi_document_says_post_answers_201(app: FastAPI) -> None:
    responses = app.openapi()["paths"]["/bookmarks"]["post"]["responses"]
    answers = sorted(code for code in responses if code.startswith("2"))
    assert answers == ["201"], (
        f"the OpenAPI document says POST /bookmarks answers {answers}, not 201: "
        "declare the status on the route, status_code=201 in the decorator, so "
        "that /docs and client generators know it"
    )


def test_post_tells_where_the_new_bookmark_lives(client: TestClient) -> None:
    client.post("/bookmarks", json={**TUTORIAL, "title": "The first one"})
    response = client.post("/bookmarks", json=TUTORIAL)
    location = response.headers.get("Location", "")
    assert location.endswith(f"/bookmarks/{response.json()['id']}")
    assert client.get(location).json() == response.json()


def test_get_returns_one_bookmark(client: TestClient) -> None:
    client.post("/bookmarks", json={**TUTORIAL, "title": "Another one"})
    created = client.post("/bookmarks", json=TUTORIAL).json()
    response = client.get(f"/bookmarks/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_created_bookmarks_are_listed(client: TestClient) -> None:
    created = client.post("/bookmarks", json=TUTORIAL).json()
    assert client.get("/bookmarks").json() == [created]


@pytest.mark.parametrize("bookmark_id", [2, 999])
def test_an_unknown_id_is_404(client: TestClient, bookmark_id: int) -> None:
    client.post("/bookmarks", json=TUTORIAL)
    response = client.get(f"/bookmarks/{bookmark_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"Bookmark {bookmark_id} not found"}


def test_an_id_that_is_not_a_number_is_422(client: TestClient) -> None:
    response = client.get("/bookmarks/latest")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "bookmark_id"]
