#!/usr/bin/python3
"""Makes the sweep files the analysis tests read, with the engine itself: `scamsim sweep` on the small sweep files
in tests/analysis/sweeps/ (a ctest fixture; a few seconds on two cores).

Usage: make_sweep_fixture.py SCAMSIM SOURCE_DIR OUTPUT_FOLDER

Writes (docs/SWEEPS.md section 7 describes their layout):
  sweep_budget_grid.h5   budget_grid.toml: an aftercare budget grid on scenarios/aftercare_funding.toml, 5 budgets x
                         3 replicates, common random numbers, series kept (the budget figure, the series figure)
  sweep_saltelli.h5      saltelli.toml: Sobol indices of 3 parameters on the crackdown scenario (30 runs)
  sweep_morris.h5        morris.toml: Morris screening of 4 parameters (15 points x 2 replicates)
  sweep_lhs_minimal.h5   lhs_minimal.toml: a Latin hypercube with no series and no sensitivity indices
  sweep_failing.h5       failing.toml: a grid on the tiny test world in which 1 of 4 runs fails
  sweep_budget_levels.h5 budget_levels.toml: an aftercare budget grid of 15 levels x 2 replicates on the tiny world
                         (a trend line per level, not per bin; the cost per averted and its interval)
  sweep_unfinished.h5    sweep_lhs_minimal.h5 with its last 3 runs set back to pending and `complete` = 0, as the
                         in-progress file of an interrupted sweep holds them (SWEEP.h5.partial, docs/SWEEPS.md
                         section 6): made by editing a copy, since when a real sweep is stopped is not repeatable
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

SWEEPS = (
    ("sweep_budget_grid.h5", "budget_grid.toml"),
    ("sweep_saltelli.h5", "saltelli.toml"),
    ("sweep_morris.h5", "morris.toml"),
    ("sweep_lhs_minimal.h5", "lhs_minimal.toml"),
    ("sweep_failing.h5", "failing.toml"),
    ("sweep_budget_levels.h5", "budget_levels.toml"),
)
#: Runs of sweep_unfinished.h5 left pending.
PENDING = 3


def unfinished(source: Path, target: Path) -> None:
    """A copy of a finished sweep file whose last PENDING runs are pending again, as an in-progress file holds
    runs not yet run: status pending, no message, outcomes NaN, kept series zero; `complete` 0, no sensitivity."""
    shutil.copy(source, target)
    with h5py.File(target, "r+") as f:
        status = f["design/status"]  # integer codes with CF flags (docs/SWEEPS.md section 7)
        pending = list(status.attrs["flag_values"])[status.attrs["flag_meanings"].decode().split().index("pending")]
        status[-PENDING:] = np.full(PENDING, pending, dtype=status.dtype)
        # The groups' own coordinates (dimension scales, schema 3 on) are not per-run data.
        for name, dataset in f["outcomes"].items():
            if not h5py.h5ds.is_scale(dataset.id):
                dataset[-PENDING:] = np.nan
        for name, dataset in (f["by_country"].items() if "by_country" in f else ()):
            if not h5py.h5ds.is_scale(dataset.id):
                dataset[-PENDING:] = 0
        if "sensitivity" in f:
            del f["sensitivity"]
        f.attrs["complete"] = np.int64(0)


def main(argv: list[str]) -> int:
    """Runs the engine once per sweep file; exits non-zero, with the engine's message, if a sweep fails."""
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    scamsim, source, folder = argv[1], Path(argv[2]), Path(argv[3])
    folder.mkdir(parents=True, exist_ok=True)
    for name, sweep in SWEEPS:
        command = [scamsim, "sweep", str(source / "tests" / "analysis" / "sweeps" / sweep), "-o", str(folder / name),
                   "--force", "--quiet", "--threads", "2"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print(f"make_sweep_fixture: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}",
                  file=sys.stderr)
            return 1
    unfinished(folder / "sweep_lhs_minimal.h5", folder / "sweep_unfinished.h5")
    print(f"make_sweep_fixture: wrote {', '.join(name for name, _ in SWEEPS)} and sweep_unfinished.h5 to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
