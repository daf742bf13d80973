"""The catalogue of tools: browse them, look at one, add one."""

from flask import Blueprint

bp = Blueprint("tools", __name__, url_prefix="/tools")

# catalogue: add the list and detail views here.
