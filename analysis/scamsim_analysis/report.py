"""The report: figures of one or more run and sweep files, and an index.html that holds them (PNG embedded, so the
page works on its own, opened from disk or sent by e-mail), with key figures, the events, the scenarios (folded
away) and what wrote them."""

from __future__ import annotations

import base64
import html
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import COMPARE_NOT_REPORTED, ReportError
from .output_folder import check_output_folder, mark_output_folder
from .reader import CompareResult, ResultFileError, RunResult, SweepResult, open_result
from .run_figures import make_run_figures
from .style import EventMark, FigureFile, format_number
from .summary import country_groups, country_table, event_marks, key_figures
from .sweep_figures import (budget_table, failed_runs, make_sweep_figures, outcome_summary, status_counts,
                            sweep_design_table)

#: The folder inside the report folder that holds the figure files.
FIGURES_FOLDER = "figures"

_CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d9d9d9; --accent: #0072B2; --bg-soft: #f5f7f9; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0;
       line-height: 1.5; background: #fff; }
main { max-width: 1160px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; padding-bottom: 0.8rem; }
h1 { font-size: 1.9rem; margin: 0 0 0.3rem; }
h2 { font-size: 1.4rem; margin: 2.4rem 0 0.8rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem; }
h3 { font-size: 1.15rem; margin: 1.6rem 0 0.5rem; }
p.meta { color: var(--muted); margin: 0.2rem 0; font-size: 0.95rem; }
nav ol { columns: 2; font-size: 0.95rem; }
.preview { border: 2px solid var(--accent); padding: 0.4rem 0.8rem; margin: 0.6rem 0; font-weight: 600; }
.note { background: var(--bg-soft); border-left: 4px solid var(--accent); padding: 0.6rem 1rem; margin: 1rem 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1.2rem; font-size: 0.92rem; display: block; max-width: 100%;
        overflow-x: auto; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.3rem 0.7rem; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.range { color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 1.2rem 0 2.6rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { max-width: 60rem; margin-top: 0.5rem; }
figcaption .what { font-weight: bold; }
figcaption .files { font-size: 0.85rem; color: var(--muted); }
details { margin: 0.6rem 0; }
summary { cursor: pointer; color: var(--accent); }
pre { background: var(--bg-soft); padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; max-height: 40rem; }
code { font-size: 0.9em; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule);
         padding-top: 0.6rem; }
@media print { details { display: block; } figure { break-inside: avoid; } }
"""

#: Installed first in <head>: counts script errors (window.onerror) before anything else can fail.
_ERROR_COUNTER = """window.__scamsimScriptErrors = 0;
window.onerror = function () { window.__scamsimScriptErrors += 1; };"""

#: Run at load: marks <body data-render-check="ok"> when every image decoded and no script error fired, so a
#: headless browser's DOM dump shows whether the page rendered (tests/analysis/test_browser.py reads it).
_RENDER_CHECK = """(function () {
  function check() {
    var images = document.images, broken = 0;
    for (var i = 0; i < images.length; i++) {
      if (!(images[i].complete && images[i].naturalWidth > 0)) { broken += 1; }
    }
    var errors = window.__scamsimScriptErrors || 0;
    document.body.setAttribute("data-images", String(images.length));
    document.body.setAttribute("data-broken-images", String(broken));
    document.body.setAttribute("data-script-errors", String(errors));
    document.body.setAttribute("data-render-check", broken === 0 && errors === 0 ? "ok" : "failed");
  }
  window.addEventListener("load", check);
})();"""


@dataclass
class Report:
    """What the report was made of and what it wrote."""

    folder: Path
    index: Path
    figures: list[FigureFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# HTML helpers
# ---------------------------------------------------------------------------------------------------------------


def _e(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None) -> str:
    """A table; cells are HTML already (escape them first). `numeric` right-aligns columns."""
    numeric = list(numeric) if numeric is not None else [False] * len(header)
    head = "".join(f'<th{" class=num" if n else ""} scope="col">{h}</th>' for h, n in zip(header, numeric))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if n else ""}>{c}</td>' for c, n in zip(row, numeric))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure_html(figure: FigureFile, folder: Path) -> str:
    """A <figure> with the PNG embedded and links to the PNG and SVG files."""
    data = base64.b64encode(figure.png.read_bytes()).decode("ascii")
    links = [f'<a href="{_e(figure.png.relative_to(folder).as_posix())}">PNG</a>']
    if figure.svg is not None:
        links.append(f'<a href="{_e(figure.svg.relative_to(folder).as_posix())}">SVG</a>')
    return (f'<figure id="fig-{_e(figure.figure_id)}">'
            f'<img src="data:image/png;base64,{data}" alt="{_e(figure.title)}" data-figure="{_e(figure.figure_id)}" '
            f'width="{figure.width_px}" '
            f'height="{figure.height_px}">'
            f'<figcaption><span class="what">What this shows.</span> {_e(figure.caption)} '
            f'<span class="files">Download: {" · ".join(links)}</span></figcaption></figure>')


def _value_cell(median: float, low: float, high: float, units: str) -> tuple[str, str]:
    """A median and its 90% range as table cells ('' range if the replicates agree)."""
    value = format_number(median, units)
    if not np.isfinite(low) or not np.isfinite(high) or (abs(high - low) < 1e-12):
        return _e(value), ""
    return _e(value), _e(f"{format_number(low, units)} to {format_number(high, units)}")


def _toml_block(title: str, text: str) -> str:
    """Scenario text folded away in a <details>."""
    if not text:
        return ""
    return f"<details><summary>{_e(title)}</summary><pre><code>{_e(text)}</code></pre></details>"


# ---------------------------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------------------------


def _runs_header(runs: Sequence[RunResult], labels: Sequence[str]) -> str:
    """One line per run: scenario, seed, replicates, dates, version."""
    lines = []
    for run, label in zip(runs, labels):
        lines.append(f"<p class=meta><strong>{_e(label)}</strong>: scenario <code>{_e(run.name)}</code>, seed "
                     f"{run.seed}, {len(run.replicates)} replicates, "
                     + (f"simulated at {run.scale:.3g} of the region's size (<code>run.scale</code>), shown scaled "
                        "to the full region, " if run.scale != 1.0 else "run.scale 1 (1:1), ")
                     + f"{run.time[0]:%d %b %Y} to {run.time[-1]:%d %b %Y}"
                     f" ({run.dt_days}-day steps); written {_e(run.attrs.get('created_utc', '?'))} by "
                     f"{_e(run.version)}; file <code>{_e(run.path.name)}</code></p>")
    return "".join(lines)


def _preview_banner(runs: Sequence[RunResult], sweeps: Sequence[SweepResult]) -> str:
    """Under the title, when any input ran below 1:1: its figures are a preview (issue 13)."""
    smaller = sorted({run.scale for run in runs if run.scale < 1} | {sweep.scale for sweep in sweeps if sweep.scale < 1})
    if not smaller:
        return ""
    scales = ", ".join(f"{s:.3g}" for s in smaller)
    return (f'<p class="preview">run.scale = {scales}: a preview at reduced scale; findings come from 1:1 runs. '
            "Shares and sizes of a smaller world differ from 1:1 (docs/MODEL.md section 8).</p>")


def _scale_note(runs: Sequence[RunResult], sweeps: Sequence[SweepResult]) -> str:
    """What the figures do about run.scale: runs of a smaller world are shown scaled up to the full region."""
    scales = sorted({run.scale for run in runs} | {sweep.scale for sweep in sweeps})
    smaller = [s for s in scales if s != 1.0]
    if not smaller:
        return ("Numbers are those of the full region (<code>run.scale</code> = 1).")
    worlds = ", ".join(f"{s:.3g} ({s:.0%} of the region)" if s < 1 else f"{s:.3g}" for s in smaller)
    return ("These results were simulated on a world of another size (<code>run.scale</code> = " + worlds + "), "
            "whose numbers of people, operations, raids and dollars are that size's; the report shows them "
            "<strong>scaled to the full region</strong> (divided by <code>run.scale</code>), as "
            "<code>scamsim sweep</code> reports its outcomes. Shares and the sizes of single operations are not "
            "scaled. A small world is noisier than the full one, so its bands are wider.")


def _how_to_read(has_runs: bool, has_sweeps: bool, runs: Sequence[RunResult] = (),
                 sweeps: Sequence[SweepResult] = ()) -> str:
    """The short note on reading the figures."""
    parts = []
    if has_runs:
        parts.append("Each run repeats the scenario several times with different random draws (replicates). "
                     "Lines show the <strong>median</strong> replicate and shaded bands the range that holds "
                     "<strong>90% of replicates</strong> (5th to 95th percentile); totals in the tables are given "
                     "the same way. Numbered dotted lines mark the scenario's events, listed under each figure "
                     "and in the table below.")
    if has_sweeps:
        parts.append("A sweep runs the model many times with parameters varied by a design; its figures show how "
                     "outcomes respond to each parameter and which parameters matter most.")
    parts.append("These are results of a simulation model, not measurements: they show what follows from the "
                 "model's assumptions, which are listed with their sources in docs/MODEL.md. "
                 + _scale_note(runs, sweeps))
    return '<div class="note">' + " ".join(parts) + "</div>"


def _key_figures_section(runs: Sequence[RunResult], labels: Sequence[str]) -> str:
    """The key figures, one column per run (median, 90% range)."""
    figures = [key_figures(run) for run in runs]
    if len(runs) == 1:
        rows = []
        for figure in figures[0]:
            value, spread = _value_cell(figure.median, figure.low, figure.high, figure.units)
            rows.append([_e(figure.label), value, f'<span class="range">{spread}</span>', _e(figure.note)])
        return _table(["Measure (all host countries)", "Median", "90% of replicates", "Note"], rows,
                      [False, True, True, False])
    labels_by_measure: dict[str, list[str]] = {}
    for run_figures in figures:
        for figure in run_figures:
            labels_by_measure.setdefault(_generic(figure.label), [])
    rows = []
    for measure in labels_by_measure:
        row = [_e(measure)]
        for run_figures in figures:
            match = next((f for f in run_figures if _generic(f.label) == measure), None)
            if match is None:
                row.append("n/a")
                continue
            value, spread = _value_cell(match.median, match.low, match.high, match.units)
            row.append(value + (f'<br><span class="range">{spread}</span>' if spread else ""))
        rows.append(row)
    return _table(["Measure (all host countries); median, and 90% of replicates"] + [_e(label) for label in labels],
                  rows, [False] + [True] * len(labels))


def _generic(label: str) -> str:
    """A key-figure label without the run-specific date, so runs of different lengths line up."""
    return label.split(" (")[0] if label.startswith("People held at the end") else label


def _country_section(runs: Sequence[RunResult], labels: Sequence[str]) -> str:
    """Per host country tables (medians)."""
    groups = country_groups(runs)
    blocks = []
    for run, label in zip(runs, labels):
        table = country_table(run, groups)
        header = ["Host country"] + list(table.columns)
        rows = [[_e(index)] + [_e(format_number(v, "USD" if "USD" in column else "people"))
                               for column, v in row.items()] for index, row in table.iterrows()]
        html_table = _table(header, rows, [False] + [True] * len(table.columns))
        if len(runs) == 1:
            blocks.append(html_table)
        else:
            blocks.append(f"<details><summary>{_e(label)}</summary>{html_table}</details>")
    return "".join(blocks)


def _events_section(events: Sequence[EventMark]) -> str:
    """The numbered scenario events."""
    if not events:
        return "<p>The scenario has no events: it shows the region without any change of policy.</p>"
    rows = [[str(e.number), _e(f"{e.date:%d %b %Y}"), _e(e.text)] for e in events]
    return _table(["#", "Date", "Event"], rows, [True, False, False])


def _files_section(results: Sequence[RunResult | SweepResult], labels: dict[Path, str]) -> str:
    """Where each result came from, with its scenario text folded away."""
    blocks = []
    for result in results:
        attrs = result.attrs
        facts = [("File", f"<code>{_e(result.path.name)}</code>"),
                 ("Kind", _e(result.kind)),
                 ("Scenario" if result.kind == "run" else "Sweep", f"<code>{_e(result.name)}</code>"),
                 ("Seed", _e(result.seed)),
                 ("Written by", _e(result.version)),
                 ("Created (UTC)", _e(attrs.get("created_utc", "?"))),
                 ("Result schema version", _e(attrs.get("schema_version", "?"))),
                 ("Command line", f"<code>{_e(attrs.get('command_line', '?'))}</code>")]
        if result.kind == "run":
            facts.insert(4, ("Replicates", _e(len(result.replicates))))
            text = _toml_block("Resolved scenario (TOML): save it as a file and run it to repeat the run",
                               result.scenario_toml)
        else:
            facts.insert(4, ("Design", _e(result.design)))
            text = (_toml_block("Sweep file (TOML)", str(attrs.get("sweep_toml", "")))
                    + _toml_block("Base scenario (TOML)", result.scenario_toml))
        table = "<table>" + "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in facts) + "</table>"
        blocks.append(f"<h3>{_e(labels.get(result.path, result.name))}</h3>{table}{text}")
    return "".join(blocks)


def _sweep_section(sweep: SweepResult, figures: Sequence[FigureFile], folder: Path, anchor: str) -> str:
    """One sweep: what it varied, how its runs went, its outcomes, the budget table, and its figures."""
    counts = status_counts(sweep)
    parts = [f'<h2 id="{anchor}">Sweep: {_e(sweep.name)}</h2>',
             f"<p class=meta>Design <strong>{_e(sweep.design)}</strong>, "
             f"{_e(sweep.attrs.get('points', '?'))} points × {_e(sweep.attrs.get('replicates', '?'))} replicates = "
             f"{len(sweep.runs)} runs: {counts['done']} finished, {counts['failed']} failed, {counts['pending']} "
             f"not run; seed {sweep.seed}; file <code>{_e(sweep.path.name)}</code>, written by "
             f"{_e(sweep.version)}</p>"]
    design = sweep_design_table(sweep)
    parts.append("<h3>Parameters varied</h3>" + _table(
        ["Parameter (scenario key)", "In words", "Smallest", "Largest", "Distinct values"],
        [[f"<code>{_e(r['Parameter'])}</code>", _e(r["In words"]), _e(format_number(r["Smallest"])),
          _e(format_number(r["Largest"])), _e(r["Distinct values"])] for _, r in design.iterrows()],
        [False, False, True, True, True]))
    outcomes = outcome_summary(sweep)
    parts.append("<h3>Outcomes</h3>" + _table(
        ["Outcome", "Units", "What it measures", "Median", "90% of runs"],
        [[f"<code>{_e(r['Outcome'])}</code>", _e(r["Units"]), _e(r["Description"]),
          _e(format_number(r["Median"], r["Units"])),
          f'<span class="range">{_e(format_number(r["5%"], r["Units"]))} to '
          f'{_e(format_number(r["95%"], r["Units"]))}</span>'] for _, r in outcomes.iterrows()],
        [False, False, False, True, True]))
    budget = budget_table(sweep)
    if budget is not None:
        basis = "spending" if budget["cost_basis"].iloc[0] == "extra spending" else "budget"
        parts.append("<h3>Aftercare budget: what each averted re-recruitment costs</h3>" + _table(
            ["Budget (USD/year)", "Re-recruited (mean)", "Averted (mean)", "Averted, 90% of replicates",
             f"Extra {basis} (USD, mean)", "Cost per averted (USD)"],
            [[_e(format_number(r["budget"])), _e(format_number(r["rerecruited"], "people")),
              _e(format_number(r["averted"], "people")),
              f'<span class="range">{_e(format_number(r["averted_low"], "people"))} to '
              f'{_e(format_number(r["averted_high"], "people"))}</span>',
              _e(format_number(r["extra_spend"])), _e(format_number(r["cost_per_averted"]))]
             for _, r in budget.iterrows()], [True] * 6)
            + "<p>Averted: re-recruitments fewer than at the smallest budget swept"
              + (", replicate by replicate" if bool(budget["paired"].all()) else "")
              + f". Cost per averted: the extra {basis} over the smallest budget divided by the re-recruitments "
              "averted (means across replicates).</p>")
    failed = failed_runs(sweep)
    if len(failed):
        parts.append(f"<h3>Failed runs ({counts['failed']})</h3>" + _table(
            ["Run", "Point", "Replicate", "Error"],
            [[_e(index), _e(r["point"]), _e(r["replicate"]), _e(r["message"])] for index, r in failed.iterrows()],
            [True, True, True, False]))
    if not figures:
        parts.append("<p>No run of this sweep has finished, so there is nothing to plot.</p>")
    parts.extend(_figure_html(figure, folder) for figure in figures)
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------


def _run_labels(runs: Sequence[RunResult], given: Sequence[str] | None) -> list[str]:
    """Labels for the runs: as given, else the scenario names (with the file name where two are the same)."""
    if given:
        if len(given) != len(runs):
            raise ReportError(f"{len(given)} --label given for {len(runs)} run files: give one per run file, in "
                              "order")
        return list(given)
    names = [run.name for run in runs]
    return [f"{name} ({run.path.stem})" if names.count(name) > 1 else name for name, run in zip(names, runs)]


def _default_title(runs: Sequence[RunResult], labels: Sequence[str], sweeps: Sequence[SweepResult]) -> str:
    """'scamsim report: <scenario>' or a comparison of several."""
    if len(runs) == 1 and not sweeps:
        return f"scamsim report: {labels[0]}"
    if runs and not sweeps:
        return "scamsim report: " + " vs ".join(labels)
    if sweeps and not runs:
        return "scamsim report: " + ", ".join(f"sweep {s.name}" for s in sweeps)
    return "scamsim report: " + ", ".join(list(labels) + [f"sweep {s.name}" for s in sweeps])


def make_report(paths: Sequence[str | Path], folder: str | Path, title: str | None = None,
                labels: Sequence[str] | None = None, svg: bool = True, force: bool = False) -> Report:
    """Reads the result files, draws the figures into FOLDER/figures and writes FOLDER/index.html and
    FOLDER/manifest.json. Raises ResultFileError for a bad input file and ReportError for a bad output folder:
    one that holds files but no earlier report is refused unless `force` (output_folder.py)."""
    folder = Path(folder)
    check_output_folder(folder, force)
    results = [open_result(path) for path in paths]
    for result in results:
        if isinstance(result, CompareResult):
            raise ResultFileError(result.path, COMPARE_NOT_REPORTED)
    # Counts and money of a smaller (or larger) world, shown as those of the full region.
    runs = [r.at_full_scale() for r in results if isinstance(r, RunResult)]
    sweeps = [r for r in results if isinstance(r, SweepResult)]
    run_labels = _run_labels(runs, labels)
    try:
        (folder / FIGURES_FOLDER).mkdir(parents=True, exist_ok=True)
        mark_output_folder(folder)  # at once, so that a report that fails halfway may be made again in its folder
    except OSError as error:
        raise ReportError(f"{folder}: cannot create the output folder: {error.strerror or error}")
    report = Report(folder=folder, index=folder / "index.html")
    for result in results:
        report.warnings.extend(result.warnings)
    figures_folder = folder / FIGURES_FOLDER
    with warnings.catch_warnings():
        # Medians of empty groups (a country with no operation) are NaN on purpose; numpy's warning is noise here.
        warnings.simplefilter("ignore", RuntimeWarning)
        events = event_marks(runs, run_labels) if runs else []
        run_figures = make_run_figures(runs, run_labels, events, figures_folder, svg) if runs else []
        sweep_figures = [make_sweep_figures(sweep, f"sweep{index + 1}", figures_folder, svg)
                         for index, sweep in enumerate(sweeps)]
        title = title or _default_title(runs, run_labels, sweeps)
        body = _body(title, runs, run_labels, events, run_figures, sweeps, sweep_figures, results, folder)
    report.figures = run_figures + [f for figures in sweep_figures for f in figures]
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<script>{_ERROR_COUNTER}</script>\n<style>{_CSS}</style>\n</head>\n"
            f"<body data-render-check=\"pending\">\n<main>\n{body}\n</main>\n<script>{_RENDER_CHECK}</script>\n"
            "</body>\n</html>\n")
    report.index.write_text(page, encoding="utf-8")
    manifest = {
        "title": title,
        "inputs": [{"file": str(r.path), "kind": r.kind, "name": r.name, "seed": r.seed} for r in results],
        "figures": [{"id": f.figure_id, "title": f.title, "png": f.png.relative_to(folder).as_posix(),
                     "svg": f.svg.relative_to(folder).as_posix() if f.svg else None, "width_px": f.width_px,
                     "height_px": f.height_px} for f in report.figures],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return report


def _body(title: str, runs: Sequence[RunResult], labels: Sequence[str], events: Sequence[EventMark],
          run_figures: Sequence[FigureFile], sweeps: Sequence[SweepResult],
          sweep_figures: Sequence[Sequence[FigureFile]], results: Sequence[RunResult | SweepResult],
          folder: Path) -> str:
    """Everything inside <main>."""
    parts = [f"<header><h1>{_e(title)}</h1>{_runs_header(runs, labels)}"]
    for sweep in sweeps:
        parts.append(f"<p class=meta><strong>Sweep {_e(sweep.name)}</strong>: design {_e(sweep.design)}, "
                     f"{len(sweep.runs)} runs, seed {sweep.seed}, run.scale {sweep.scale:.3g}, written by {_e(sweep.version)}; file "
                     f"<code>{_e(sweep.path.name)}</code></p>")
    parts.append(_preview_banner(runs, sweeps))
    parts.append("</header>")
    toc = []
    if runs:
        toc += [("key-figures", "Key figures"), ("events", "Scenario events")]
        toc += [(f"fig-{f.figure_id}", f.title) for f in run_figures]
    toc += [(f"sweep{i + 1}", f"Sweep: {s.name}") for i, s in enumerate(sweeps)]
    toc.append(("files", "Files, scenarios and versions"))
    parts.append("<nav><h2>Contents</h2><ol>" + "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t in toc)
                 + "</ol></nav>")
    parts.append(_how_to_read(bool(runs), bool(sweeps), runs, sweeps))
    if runs:
        parts.append('<h2 id="key-figures">Key figures</h2>')
        parts.append(_key_figures_section(runs, labels))
        parts.append("<h3>By host country (medians across replicates, whole run)</h3>")
        parts.append(_country_section(runs, labels))
        parts.append('<h2 id="events">Scenario events</h2>')
        parts.append(_events_section(events))
        parts.append('<h2 id="figures">Figures</h2>')
        parts.extend(_figure_html(figure, folder) for figure in run_figures)
    for index, (sweep, figures) in enumerate(zip(sweeps, sweep_figures)):
        parts.append(_sweep_section(sweep, figures, folder, f"sweep{index + 1}"))
    file_labels = {run.path: label for run, label in zip(runs, labels)}
    parts.append('<h2 id="files">Files, scenarios and versions</h2>')
    parts.append(_files_section(results, file_labels))
    parts.append("<footer>Made by <code>analysis/report</code> from "
                 + ", ".join(f"<code>{_e(r.path.name)}</code>" for r in results)
                 + ". Figures are also in the <code>figures/</code> folder beside this page, as PNG and SVG.</footer>")
    return "\n".join(parts)


__all__ = ["make_report", "Report", "ReportError", "ResultFileError", "FIGURES_FOLDER"]

