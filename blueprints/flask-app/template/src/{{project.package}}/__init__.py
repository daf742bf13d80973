"""A neighbourhood tool-lending library: a Flask web application."""
