"""Task 3 (validate-input): the models reject bad bookmarks with a 422."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

VALID = {"url": "https://example.com/page", "title": "Example", "tags": []}


def error_locations(response: Response) -> list[list[str | int]]:
    """The ``loc`` of every validation error in a 422 response."""
    assert response.status_code == 422
    return [error["loc"] for error in response.json()["detail"]]


def post(client: TestClient, **fields: Any) -> Response:
    """POST a bookmark made of ``VALID`` with some fields replaced."""
    return client.post("/bookmarks", json={**VALID, **fields})


@pytest.mark.parametrize(
    "url",
    ["not a url", "ftp://example.com/file", "https://", "javascript:alert(1)"],
    ids=["text", "ftp", "no-host", "javascript"],
)
def test_the_url_must_be_http_or_https(client: TestClient, url: str) -> None:
    assert ["body", "url"] in error_locations(post(client, url=url))


@pytest.mark.parametrize(
    "title",
    ["", "   ", "x" * 201],
    ids=["empty", "blank", "201-characters"],
)
def test_the_title_must_have_1_to_200_characters(
    client: TestClient,
    title: str,
) -> None:
    assert ["body", "title"] in error_locations(post(client, title=title))


def test_the_title_is_stripped(client: TestClient) -> None:
    response = post(client, title="  Padded title  ")
    assert response.status_code == 201
    assert response.json()["title"] == "Padded title"
    assert post(client, title="x" * 200).status_code == 201


def test_tags_are_normalised(client: TestClient) -> None:
    response = post(client, tags=[" Python ", "WEB", "python", "web-dev"])
    assert response.status_code == 201
    assert response.json()["tags"] == ["python", "web", "web-dev"]


@pytest.mark.parametrize(
    "tags",
    [["python", "  "], [f"tag-{number}" for number in range(11)]],
    ids=["a-blank-tag", "eleven-tags"],
)
def test_bad_tag_lists_are_rejected(client: TestClient, tags: list[str]) -> None:
    locations = error_locations(post(client, tags=tags))
    assert any(location[:2] == ["body", "tags"] for location in locations)


def test_ten_tags_are_accepted(client: TestClient) -> None:
    tags = [f"Tag-{number}" for number in range(10)]
    response = post(client, tags=tags)
    assert response.status_code == 201
    assert response.json()["tags"] == [tag.lower() for tag in tags]


def test_unknown_fields_are_rejected(client: TestClient) -> None:
    assert ["body", "colour"] in error_locations(post(client, colour="red"))


def test_the_rules_are_declared_in_the_openapi_schema(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    fields = schemas["BookmarkCreate"]["properties"]
    assert fields["url"]["format"] == "uri"
    assert fields["title"]["minLength"] == 1
    assert fields["title"]["maxLength"] == 200
    assert schemas["BookmarkCreate"]["additionalProperties"] is False
