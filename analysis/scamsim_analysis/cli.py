"""The command line of analysis/report: argument parsing, messages and exit codes (0 done, 1 a problem with an
input file or the output folder, 2 a problem with the command line, 3 an internal error)."""

from __future__ import annotations

import argparse
import sys
import traceback
from typing import Sequence

from .errors import ReportError
from .reader import ResultFileError, file_kind

DESCRIPTION = """\
Makes a report folder from scamsim result files: figures (PNG and SVG) and an
index.html that opens in any browser without a server (figures embedded, key
figures, scenario events, the scenario text, seed and version).

One run file: people held by country, displacement, decentralisation, what
happens to released people, money, and a map, each a median across replicates
with its band (the 90% band, or the range of fewer than 10 replicates) and the
scenario's events marked. Several run files: the same
figures overlaid and a side-by-side table of outcomes. Sweep files: each
outcome against each parameter, a budget sweep's cost per averted
re-recruitment, Sobol indices, Morris screening. Compare files (scamsim
compare): each outcome's paired difference B - A with its paired and unpaired
intervals, in a table and a forest plot."""

EPILOG = """\
examples:
  analysis/report crackdown.h5 -o report/
  analysis/report pressure_decays.h5 pressure_sustained.h5 -o compare/ --label decays --label sustained
  analysis/report aftercare_sweep.h5 -o sweep_report/
  analysis/report aftercare_compare.h5 -o compare_report/

Then open report/index.html in a browser. Exit codes: 0 done, 1 a bad input
file or output folder, 2 a bad command line, 3 an internal error."""


def parser() -> argparse.ArgumentParser:
    """The argument parser of analysis/report."""
    p = argparse.ArgumentParser(prog="report", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE.h5", help="scamsim run, sweep or compare result files")
    p.add_argument("-o", "--output", required=True, metavar="FOLDER",
                   help="report folder to write: a new or empty folder, or one that holds an earlier report (whose "
                        "files are overwritten)")
    p.add_argument("--force", action="store_true",
                   help="write into FOLDER even if it holds other files (files of the same names are overwritten)")
    p.add_argument("--title", help="the report's title (default: from the scenario names)")
    p.add_argument("--label", action="append", metavar="NAME",
                   help="a name for each run file, in order, for legends and tables (repeat it once per run file)")
    p.add_argument("--no-svg", action="store_true", help="write PNG figures only (faster)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the report command; returns the exit code."""
    args = parser().parse_args(argv)
    try:
        for path in args.files:
            file_kind(path)  # a bad file fails here, at once, before the plotting libraries load
        from .report import make_report  # matplotlib and friends: only once the inputs look right

        report = make_report(args.files, args.output, title=args.title, labels=args.label, svg=not args.no_svg,
                             force=args.force)
    except (ResultFileError, ReportError) as error:
        print(f"report: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("report: interrupted", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - anything else is a bug: say so, with the traceback to report
        traceback.print_exc()
        print("report: internal error (a bug in analysis/, please report it with the traceback above)",
              file=sys.stderr)
        return 3
    for warning in report.warnings:
        print(f"report: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print(f"report: wrote {report.index} with {len(report.figures)} figures (PNG"
              f"{' and SVG' if not args.no_svg else ''} in {report.index.parent / 'figures'})")
    return 0
