"""Tests of the reliability toolkit: yours to write (see TASKS.md)."""
