#!/usr/bin/python3
"""Makes the small run files the analysis tests read, with the engine itself (a ctest fixture).

Usage: make_run_files.py SCAMSIM SOURCE_DIR OUTPUT_FOLDER

Writes, at 2% scale over two simulated years (every event of these scenarios falls inside):
  crackdown.h5  scenarios/cambodia_crackdown_2025.toml, 3 replicates
  aftercare.h5  scenarios/aftercare_funding.toml, 2 replicates (the crackdown plus an aftercare budget)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUNS = (
    ("crackdown.h5", "cambodia_crackdown_2025.toml", 3),
    ("aftercare.h5", "aftercare_funding.toml", 2),
)


def main(argv: list[str]) -> int:
    """Runs the engine once per file; exits non-zero, with the engine's message, if a run fails."""
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    scamsim, source, folder = argv[1], Path(argv[2]), Path(argv[3])
    folder.mkdir(parents=True, exist_ok=True)
    for name, scenario, replicates in RUNS:
        command = [scamsim, "run", str(source / "scenarios" / scenario), "-o", str(folder / name), "--force",
                   "--quiet", "--threads", "1", "--replicates", str(replicates), "--set", "run.scale=0.02",
                   "--set", "run.years=2"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print(f"make_run_files: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}",
                  file=sys.stderr)
            return 1
    print(f"make_run_files: wrote {', '.join(name for name, _, _ in RUNS)} to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
