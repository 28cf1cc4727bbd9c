"""The report's output folder: analysis/report writes only into a new or empty folder, or one that holds an earlier
report, so that `-o ~/Documents` cannot overwrite someone's index.html. A report marks its folder with MARKER; a
folder of files that is not marked is refused unless --force."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ReportError

#: The file that marks a folder as a report's, written before anything else in it.
MARKER = ".scamsim-report"

_MARKER_TEXT = ("This folder holds a report made by scamsim's analysis/report; analysis/report may overwrite the "
                "files in it.\n")


def _is_earlier_report(folder: Path) -> bool:
    """Whether `folder` holds a report: marked, or (made before the marker existed) an index.html beside a
    manifest.json that lists the report's inputs and figures."""
    if (folder / MARKER).is_file():
        return True
    manifest = folder / "manifest.json"
    if not (folder / "index.html").is_file() or not manifest.is_file() or manifest.stat().st_size > (1 << 20):
        return False
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and {"title", "inputs", "figures"} <= content.keys()


def check_output_folder(folder: Path, force: bool) -> None:
    """Refuses (ReportError) an output folder that is not a folder, or that holds files but no earlier report
    (unless `force`)."""
    if folder.exists() and not folder.is_dir():
        raise ReportError(f"{folder}: exists and is not a folder; choose another output folder")
    if not folder.exists() or force or _is_earlier_report(folder):
        return
    try:
        empty = next(folder.iterdir(), None) is None
    except OSError as error:
        raise ReportError(f"{folder}: cannot read the output folder: {error.strerror or error}")
    if not empty:
        raise ReportError(f"{folder}: the folder holds files and no earlier report, which the report's files could "
                          "overwrite; choose a new or empty folder, or give --force to write into it")


def mark_output_folder(folder: Path) -> None:
    """Marks `folder` as a report's (OSError if it cannot)."""
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
