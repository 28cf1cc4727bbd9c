"""Reading scamsim result files (run, sweep and compare) into labelled tables.

Everything here looks datasets up by name and labels their axes by the HDF5
dimension scales attached to them (docs/OUTPUT.md), never by position, so a
new series or a reordered dimension in a later file does not break it.

    >>> from scamsim_analysis import open_result
    >>> run = open_result("out.h5")                 # a RunResult (or a SweepResult, a CompareResult)
    >>> held = run.series("workers_held")           # xarray.DataArray (replicate, time, country)
    >>> held.median("replicate").sel(country="cambodia").to_pandas()
    >>> run.events.head()                            # pandas.DataFrame, kinds and countries decoded

Errors in the input (a missing file, a file that is not HDF5 or not a
scamsim result, a truncated file, a newer schema) raise ResultFileError,
whose message names the file and what is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .compare_reader import CompareResult, read_compare  # noqa: F401
from .errors import MissingSeriesError, ResultFileError  # noqa: F401 (re-exported)
from .result_file import SUPPORTED_SCHEMA_VERSION, decode, file_kind, scales_with_run_scale, scenario_scale  # noqa: F401
from .run_reader import RunResult, ScenarioEvent, read_run  # noqa: F401
from .sweep_reader import SweepResult, read_sweep  # noqa: F401


#: The reader of each file kind (the root attribute `file_kind`).
_READERS = {"run": read_run, "sweep": read_sweep, "compare": read_compare}


def open_result(path: str | Path) -> RunResult | SweepResult | CompareResult:
    """Reads a run, sweep or compare file, whichever it is (by its `file_kind` attribute)."""
    return _READERS[file_kind(path)](path)


def iter_results(paths: list[str | Path]) -> Iterator[RunResult | SweepResult | CompareResult]:
    """open_result() for each path, in order."""
    for path in paths:
        yield open_result(path)
