"""Errors of the report that are the user's to fix (kept apart from report.py, so the command line can catch them
without loading the plotting libraries)."""

from __future__ import annotations

from pathlib import Path


class ReportError(Exception):
    """A problem with the report's inputs or output folder (the message says what)."""


class ResultFileError(Exception):
    """A result file that cannot be read: the message names the file and what is wrong with it."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = Path(path)
        self.reason = message
        super().__init__(f"{path}: {message}")


class MissingSeriesError(ResultFileError, KeyError):
    """A series a result file does not hold. A KeyError, as a missing key is, and a ResultFileError, so that a report
    that needs the series says which file lacks it rather than failing with a traceback."""

    def __str__(self) -> str:
        return Exception.__str__(self)  # not KeyError's quoted repr
