"""Shared set-up: the made-up logs live in ``access_logs.py`` beside this file."""
