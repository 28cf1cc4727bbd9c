"""scamsim_analysis: read scamsim result files (run and sweep) into labelled pandas and xarray tables, and draw the
report's figures.

    import sys; sys.path.insert(0, "analysis")      # from the repository root
    from scamsim_analysis import open_result
    run = open_result("out.h5")
    run.series("workers_held").median("replicate").to_pandas()

See analysis/README.md.
"""

from .errors import MissingSeriesError
from .reader import (SUPPORTED_SCHEMA_VERSION, ResultFileError, RunResult, ScenarioEvent, SweepResult, file_kind,
                     open_result, read_run, read_sweep)

__all__ = ["SUPPORTED_SCHEMA_VERSION", "MissingSeriesError", "ResultFileError", "RunResult", "ScenarioEvent",
           "SweepResult", "file_kind", "open_result", "read_run", "read_sweep"]
