"""The home page."""

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """The home page: what the library is, and where to go next."""
    return render_template("index.html")
