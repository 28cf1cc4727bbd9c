"""Errors of the report that are the user's to fix (kept apart from report.py, so the command line can catch them
without loading the plotting libraries)."""


class ReportError(Exception):
    """A problem with the report's inputs or output folder (the message says what)."""
