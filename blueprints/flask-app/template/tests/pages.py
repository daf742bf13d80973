"""Pages read as a browser reads them: parsed HTML, and forms sent with their fields.

The tests never search a page's text with a pattern: they parse it with the
standard library's ``html.parser`` into ``Element`` trees and look at elements and
attributes.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    """One element of a parsed page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list["Element | str"] = field(default_factory=list)
    parent: "Element | None" = None

    def text(self) -> str:
        """All the text inside, whitespace collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def iter(self) -> Iterator["Element"]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Element"]:
        """The elements inside (or this one) with ``tag`` and these attributes.

        Write ``class_`` for ``class``; an attribute given as ``""`` only has to
        be present.
        """
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if all(
                name.rstrip("_") in element.attrs
                and (value == "" or element.attrs[name.rstrip("_")] == value)
                for name, value in attrs.items()
            ):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> "Element | None":
        """The first element ``find_all`` would give, or ``None``."""
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def get(self, name: str) -> str | None:
        """The value of attribute ``name``."""
        return self.attrs.get(name)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        element: Element | None = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(response: TestResponse | str) -> Element:
    """The HTML of ``response`` (or a string) as a tree of ``Element``."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


LINKING = {"a": "href", "link": "href", "form": "action", "img": "src", "script": "src"}
"""The attribute that holds an address, for each element that has one."""


def site_paths(page: Element) -> list[str]:
    """Every address on the page that points into the site (starts with ``/``).

    A form without an ``action`` posts to its own page and is left out, as are
    links to other sites and to a part of the same page (``#top``).
    """
    found = []
    for element in page.iter():
        name = LINKING.get(element.tag)
        value = element.get(name) if name else None
        if value and value.startswith("/"):
            found.append(value)
    return found


def post_form(page: Element, action: str | None = None) -> Element:
    """The form of ``page`` that posts: to ``action`` if given, else the one in <main>.

    Without ``action``, forms outside ``<main>`` (a sign-out button in the
    navigation) are left out.
    """
    where = page if action is not None else page.find("main") or page
    forms = [
        form
        for form in where.find_all("form")
        if (form.get("method") or "get").lower() == "post"
        and (action is None or form.get("action") == action)
    ]
    assert forms, f'the page has no <form method="post"> (action {action!r})'
    return forms[0]


def hidden_fields(form: Element) -> dict[str, str]:
    """The names and values of the form's hidden inputs."""
    return {
        str(element.get("name")): element.get("value") or ""
        for element in form.find_all("input", type="hidden")
        if element.get("name")
    }


def submit(
    client: FlaskClient,
    url: str,
    data: dict[str, str],
    *,
    action: str | None = None,
) -> TestResponse:
    """Load the page at ``url`` and post its form as a browser would.

    The hidden fields of the form go along with ``data``; the form's ``action``
    is where it is posted (the page itself when it has none).
    """
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} answered {page.status_code}"
    form = post_form(parse(page), action)
    return client.post(form.get("action") or url, data={**hidden_fields(form), **data})
