"""A small REST API for bookmarks, built with FastAPI and Pydantic.

Start reading at ``app.py``: ``create_app`` wires the settings, the error handlers
and the routers together.
"""
