"""scamsim_analysis: read scamsim result files (run, sweep and compare) into labelled pandas and xarray tables,
and draw the report's figures (of run and sweep files).

    import sys; sys.path.insert(0, "analysis")      # from the repository root
    from scamsim_analysis import open_result
    run = open_result("out.h5")
    run.series("workers_held").median("replicate").to_pandas()

See analysis/README.md.
"""

from .errors import MissingSeriesError
from .reader import (SUPPORTED_SCHEMA_VERSION, CompareResult, ResultFileError, RunResult, ScenarioEvent, SweepResult,
                     file_kind, open_result, read_compare, read_run, read_sweep)

__all__ = ["SUPPORTED_SCHEMA_VERSION", "CompareResult", "MissingSeriesError", "ResultFileError", "RunResult",
           "ScenarioEvent", "SweepResult", "file_kind", "open_result", "read_compare", "read_run", "read_sweep"]
