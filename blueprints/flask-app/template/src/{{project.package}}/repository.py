"""Reads and writes of the tools and the members, in SQL."""

import sqlite3
from dataclasses import dataclass

CATEGORIES = ("garden", "kitchen", "woodwork", "decorating", "cleaning", "camping")
"""The shelves of the library: every tool is on one."""


@dataclass(frozen=True)
class Tool:
    """A tool members can borrow."""

    id: int
    name: str
    category: str
    description: str
    available: bool


@dataclass(frozen=True)
class Member:
    """A member of the library, who signs in to add tools."""

    id: int
    username: str
    password_hash: str


def _tool(row: sqlite3.Row) -> Tool:
    return Tool(
        id=row["id"],
        name=row["name"],
        category=row["category"],
        description=row["description"],
        available=bool(row["available"]),
    )


def list_tools(db: sqlite3.Connection) -> list[Tool]:
    """Every tool, by name."""
    rows = db.execute("SELECT * FROM tool ORDER BY name COLLATE NOCASE, id")
    return [_tool(row) for row in rows]


def get_tool(db: sqlite3.Connection, tool_id: int) -> Tool | None:
    """The tool ``tool_id``, or ``None`` if there is none."""
    row = db.execute("SELECT * FROM tool WHERE id = ?", (tool_id,)).fetchone()
    return None if row is None else _tool(row)


def find_tool_by_name(db: sqlite3.Connection, name: str) -> Tool | None:
    """The tool called ``name``, in any case, or ``None``."""
    row = db.execute("SELECT * FROM tool WHERE name = ?", (name,)).fetchone()
    return None if row is None else _tool(row)


def add_tool(
    db: sqlite3.Connection,
    name: str,
    category: str,
    description: str = "",
    *,
    available: bool = True,
) -> Tool:
    """Store a new tool and return it."""
    cursor = db.execute(
        "INSERT INTO tool (name, category, description, available) VALUES (?, ?, ?, ?)",
        (name, category, description, int(available)),
    )
    db.commit()
    assert cursor.lastrowid is not None
    return Tool(cursor.lastrowid, name, category, description, available)


def _member(row: sqlite3.Row | None) -> Member | None:
    if row is None:
        return None
    return Member(row["id"], row["username"], row["password_hash"])


def add_member(db: sqlite3.Connection, username: str, password_hash: str) -> Member:
    """Store a new member with the hash of their password."""
    cursor = db.execute(
        "INSERT INTO member (username, password_hash) VALUES (?, ?)",
        (username, password_hash),
    )
    db.commit()
    assert cursor.lastrowid is not None
    return Member(cursor.lastrowid, username, password_hash)


def find_member(db: sqlite3.Connection, username: str) -> Member | None:
    """The member called ``username``, or ``None``."""
    row = db.execute("SELECT * FROM member WHERE username = ?", (username,))
    return _member(row.fetchone())


def get_member(db: sqlite3.Connection, member_id: int) -> Member | None:
    """The member ``member_id``, or ``None``."""
    row = db.execute("SELECT * FROM member WHERE id = ?", (member_id,))
    return _member(row.fetchone())
