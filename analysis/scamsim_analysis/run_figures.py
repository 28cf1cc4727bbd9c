"""The report's figures of run files. One run: colours are countries. Several runs: colours are runs, and figures
that show countries get one panel per country, so the runs can be compared line against line.

Every time series is a median across replicates with its band (summary.band_name(): the 90% band, 5th to 95th
percentile, or the full range of fewer than 10 replicates), and the scenario's
events are dotted vertical lines, numbered as in the list under each figure."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

from . import style
from .flow_figures import money, released_people
from .map_figure import relocation_map, snapshot_steps  # noqa: F401 (re-exported)
from .people_figures import decentralisation, displacement, held_by_country
from .reader import RunResult
from .run_context import RunFigureContext, key_height, run_line  # noqa: F401 (re-exported)
from .style import EventMark, FigureFile
from .summary import country_groups


#: The run figures in report order: (function, figure id).
RUN_FIGURES = (held_by_country, displacement, decentralisation, released_people, money, relocation_map)


def make_run_figures(runs: Sequence[RunResult], labels: Sequence[str], events: Sequence[EventMark], folder: Path,
                     svg: bool = True) -> list[FigureFile]:
    """Draws every run figure into `folder` (PNG and SVG) and returns them in report order."""
    context = RunFigureContext(runs=list(runs), labels=list(labels), groups=country_groups(runs),
                               events=list(events), folder=folder, svg=svg)
    figures = []
    with matplotlib.rc_context(style.RC):
        for draw in RUN_FIGURES:
            figures.append(draw(context))
    return figures
