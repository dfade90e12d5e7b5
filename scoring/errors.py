"""The one base of GuideCheck's own exceptions: ``except GuideCheckError`` catches every problem
the core words for a person (a bad instrument, answer file, database, missing built-in file, ...)
and none of Python's own. Each exception keeps its older base too (ValueError, RuntimeError, ...),
so code that catches those still does."""

from __future__ import annotations


class GuideCheckError(Exception):
    """A problem GuideCheck itself recognised; the message says what it is."""
