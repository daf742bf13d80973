"""Protection from cross-site request forgery (CSRF)."""

from flask import Flask


def csrf_token() -> str:
    """The session's CSRF token, made the first time it is asked for."""
    raise NotImplementedError("csrf: make and keep the session's token")


def init_app(app: Flask) -> None:
    """Check the token of every request that changes something."""
    # csrf: register the check and make csrf_token() callable from templates.
