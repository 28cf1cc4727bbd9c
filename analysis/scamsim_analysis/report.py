"""The report: figures of one or more run, sweep and compare files, and an index.html that holds them (PNG embedded, so the
page works on its own, opened from disk or sent by e-mail), with key figures, the events, the scenarios (folded
away) and what wrote them."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .compare_figures import make_compare_figures
from .errors import ReportError
from .html_parts import _e, _figure_html, _table, _toml_block, _value_cell
from .output_folder import check_output_folder, mark_output_folder
from .reader import CompareResult, ResultFileError, RunResult, SweepResult, open_result
from .run_figures import make_run_figures
from .style import EventMark, FigureFile, format_number, many_events
from .summary import (FEWEST_FOR_PERCENTILE_BAND, band_is_range, band_name, band_words, country_groups,
                      country_table, event_marks, key_figures)
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
.warning { background: #fff4e5; border-left: 4px solid #D55E00; padding: 0.6rem 1rem; margin: 1rem 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1.2rem; font-size: 0.92rem; display: block; max-width: 100%;
        overflow-x: auto; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.3rem 0.7rem; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.range { color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
/* Key tables fit the page: the column that matters is never off to the side behind a scroll bar. */
table.key { display: table; width: 100%; overflow: visible; table-layout: auto; }
table.key th { white-space: normal; }
table.key td.num { white-space: normal; }
.flag { display: inline-block; font-size: 0.8rem; color: #8a3b00; background: #fff4e5; padding: 0 0.3rem; }
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

#: Below this share of its own width, a figure shown on the page is too shrunk to read (its 8-9 pt labels blur).
SMALLEST_IMAGE_SCALE = 0.9

#: Run at load: marks <body data-render-check="ok"> when every image decoded and no script error fired, so a
#: headless browser's DOM dump shows whether the page rendered (tests/analysis/test_browser.py reads it). It also
#: counts, for the test to judge at its window size, the figures shown below SMALLEST_IMAGE_SCALE of their own size
#: or with another shape (squashed), those reaching past the page's edge, key tables that scroll sideways (their key
#: column could be out of view) and whether the page itself scrolls sideways.
_RENDER_CHECK = """(function () {
  function check() {
    var images = document.images, broken = 0, shrunk = 0, overflowing = 0, scrolling = 0;
    var pageWidth = document.documentElement.clientWidth;
    for (var i = 0; i < images.length; i++) {
      var image = images[i];
      if (!(image.complete && image.naturalWidth > 0)) { broken += 1; continue; }
      var box = image.getBoundingClientRect();
      var scale = box.width / image.naturalWidth;
      var shape = (box.height / box.width) / (image.naturalHeight / image.naturalWidth);
      if (scale < SMALLEST || Math.abs(shape - 1) > 0.02) { shrunk += 1; }
      if (box.right > pageWidth + 1 || box.left < -1) { overflowing += 1; }
    }
    var tables = document.querySelectorAll("table.key");
    for (var j = 0; j < tables.length; j++) {
      if (tables[j].scrollWidth > tables[j].clientWidth + 1 ||
          tables[j].getBoundingClientRect().right > pageWidth + 1) { scrolling += 1; }
    }
    var errors = window.__scamsimScriptErrors || 0;
    var body = document.body;
    body.setAttribute("data-images", String(images.length));
    body.setAttribute("data-broken-images", String(broken));
    body.setAttribute("data-shrunk-images", String(shrunk));
    body.setAttribute("data-overflowing-images", String(overflowing));
    body.setAttribute("data-key-tables", String(tables.length));
    body.setAttribute("data-scrolling-key-tables", String(scrolling));
    body.setAttribute("data-page-scrolls-sideways",
                      document.documentElement.scrollWidth > pageWidth + 1 ? "yes" : "no");
    body.setAttribute("data-script-errors", String(errors));
    body.setAttribute("data-render-check", broken === 0 && errors === 0 ? "ok" : "failed");
  }
  window.addEventListener("load", check);
})();""".replace("SMALLEST", str(SMALLEST_IMAGE_SCALE))


@dataclass
class Report:
    """What the report was made of and what it wrote."""

    folder: Path
    index: Path
    figures: list[FigureFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


def _preview_banner(runs: Sequence[RunResult], sweeps: Sequence[SweepResult],
                    compares: Sequence[CompareResult] = ()) -> str:
    """Under the title, when any input ran below 1:1: its figures are a preview (issue 13)."""
    smaller = sorted({run.scale for run in runs if run.scale < 1} | {sweep.scale for sweep in sweeps if sweep.scale < 1}
                     | {scale for compare in compares for scale in compare.scales if scale < 1})
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
                 sweeps: Sequence[SweepResult] = (), compares: Sequence[CompareResult] = (),
                 events: Sequence[EventMark] = ()) -> str:
    """The short note on reading the figures."""
    parts = []
    if compares:
        parts.append("A paired comparison runs a baseline A and a policy B as pairs on the same random numbers, so "
                     "chance largely cancels in each pair's difference B - A; its confidence interval across the "
                     "pairs is the <strong>paired interval</strong>, shown beside the unpaired one the same runs "
                     "would give without pairing.")
    warning = ""
    if has_runs:
        counts = [len(run.replicates) for run in runs]
        parts.append("Each run repeats the scenario several times with different random draws (replicates). "
                     "Lines show the <strong>median</strong> replicate; "
                     + _e(band_words(counts)) + "; totals in the tables are given the same way. "
                     + ("With this many scenario events, short numbered ticks at the top of each panel mark them "
                        "(close ones share a number range), listed in the table below, so that lines across the "
                        "panels do not hide the data." if many_events(events) else
                        "Numbered dotted lines mark the scenario's events, listed under each figure and in the "
                        "table below."))
        drawn = [run for run in runs if run.draws]
        if drawn:
            parts.append(" ".join(
                f"{_e(run.name)} runs over a posterior ({_e(run.attrs.get('posterior_file', '?'))}): "
                f"{run.draws} draws of the calibrated parameters × {run.replicates_per_draw} replicates each, "
                f"{len(run.replicates)} runs in all." for run in drawn)
                + " Its medians and bands are across all those runs, so they <strong>combine two sources of "
                "uncertainty</strong>: what the public record leaves open about the parameters (the draws) and "
                "chance (the replicates). <code>scamsim summary</code> shows the draws' band, the parameters "
                "alone, beside it.")
        few = sorted({c for c in counts if band_is_range(c)})
        if few:
            warning = ('<p class="warning" role="note"><strong>Few replicates:</strong> '
                       + ", ".join(str(c) for c in few) + f" replicate{'s' if few != [1] else ''} per run. "
                       "With fewer than " + str(FEWEST_FOR_PERCENTILE_BAND) + " replicates the bands are the "
                       "range of the replicates there are (lowest to highest), not a 90% band, and the spread "
                       "of outcomes is poorly known: run more (<code>scamsim run --replicates "
                       + str(FEWEST_FOR_PERCENTILE_BAND) + "</code> or more) before reading much into it.</p>")
    if has_sweeps:
        parts.append("A sweep runs the model many times with parameters varied by a design; its figures show how "
                     "outcomes respond to each parameter and which parameters matter most.")
    parts.append("These are results of a simulation model, not measurements: they show what follows from the "
                 "model's assumptions, which are listed with their sources in docs/MODEL.md. "
                 + _scale_note(runs, sweeps))
    return '<div class="note">' + " ".join(parts) + "</div>" + warning


def _key_figures_section(runs: Sequence[RunResult], labels: Sequence[str]) -> str:
    """The key figures, one column per run (median, and the band: 90% or the range of a few replicates)."""
    figures = [key_figures(run) for run in runs]
    counts = {len(run.replicates) for run in runs}
    band = band_name(counts.pop()) if len(counts) == 1 else "band across replicates"
    if len(runs) == 1:
        rows = []
        for figure in figures[0]:
            value, spread = _value_cell(figure.median, figure.low, figure.high, figure.units)
            rows.append([_e(figure.label), value, f'<span class="range">{spread}</span>', _e(figure.note)])
        return _table(["Measure (all host countries)", "Median", _e(band[:1].upper() + band[1:]), "Note"], rows,
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
    return _table([f"Measure (all host countries); median, and {_e(band)}"] + [_e(label) for label in labels],
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
        if result.kind == "compare":
            facts[2] = ("Scenarios", f"A <code>{_e(result.name_a)}</code> ({_e(attrs.get('scenario_a_file', '?'))}), "
                                     f"B <code>{_e(result.name_b)}</code> ({_e(attrs.get('scenario_b_file', '?'))})")
            facts.insert(4, ("Pairs", _e(result.pairs)))
            text = (_toml_block("Scenario A, resolved (TOML)", str(attrs.get("scenario_a_toml", "")))
                    + _toml_block("Scenario B, resolved (TOML)", str(attrs.get("scenario_b_toml", ""))))
        elif result.kind == "run":
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


def _cost_interval(row: object) -> str:
    """A cost per averted re-recruitment's interval as a table cell: 'a to b', 'a to unbounded', or ''."""
    low, high = row["cost_low"], row["cost_high"]
    if row["averted_includes_zero"] and np.isfinite(row["averted_high"]) and row["averted_high"] <= 0:
        return "undefined: no replicate averted any"
    if not np.isfinite(low) and not np.isfinite(high):
        return "unbounded" if row["averted_includes_zero"] else ""
    upper = "unbounded" if np.isinf(high) else format_number(high)
    return f"{format_number(low) if np.isfinite(low) else 'n/a'} to {upper}"


def _budget_section(budget: object) -> str:
    """The budget sweep's key table: cost per averted re-recruitment (first, beside the budget, with its
    interval), then what it is made of. A "key" table: the page fits it to its width rather than scrolling it, so
    the cost is never hidden off to the side (tests/analysis/test_browser.py checks)."""
    basis = "spending" if budget["cost_basis"].iloc[0] == "extra spending" else "budget"
    replicates = int(budget["runs"].min())
    band = band_name(replicates)
    rows = []
    for _, r in budget.iterrows():
        interval = _cost_interval(r)
        flag = (' <span class="flag" title="the averted band includes zero">averted band includes 0</span>'
                if r["averted_includes_zero"] else "")
        rows.append([_e(format_number(r["budget"])), "<strong>" + _e(format_number(r["cost_per_averted"]))
                     + "</strong>", f'<span class="range">{_e(interval)}</span>{flag}',
                     _e(format_number(r["averted"], "people")),
                     f'<span class="range">{_e(format_number(r["averted_low"], "people"))} to '
                     f'{_e(format_number(r["averted_high"], "people"))}</span>',
                     _e(format_number(r["rerecruited"], "people")), _e(format_number(r["extra_spend"]))])
    zero = bool(budget["averted_includes_zero"].any())
    return ("<h3>Aftercare budget: what each averted re-recruitment costs</h3>"
            + _table(["Budget (USD/year)", "Cost per averted (USD)", f"Cost interval (over the {_e(band)})",
                      "Averted (mean)", f"Averted, {_e(band)}", "Re-recruited (mean)", f"Extra {basis} (USD, mean)"],
                     rows, [True, True, False, True, True, True, True], css_class="key")
            + "<p>Averted: re-recruitments fewer than at the smallest budget swept"
            + (", replicate by replicate" if bool(budget["paired"].all()) else "")
            + f". Cost per averted: the extra {basis} over the smallest budget divided by the re-recruitments "
              "averted (means across replicates); its interval divides the same amount by the two ends of the "
              f"averted band ({_e(band)})."
            + (" <strong>Where the averted band includes zero</strong>, some replicates averted nothing, so the cost "
               "per averted re-recruitment is unbounded (undefined for a replicate that averted none): its interval "
               "runs to \"unbounded\" and the mean cost is only a rough guide." if zero else "")
            + "</p>")


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
        ["Outcome", "Units", "What it measures", "Median", "Band of the runs"],
        [[f"<code>{_e(r['Outcome'])}</code>", _e(r["Units"]), _e(r["Description"]),
          _e(format_number(r["Median"], r["Units"])),
          f'<span class="range">{_e(format_number(r["Low"], r["Units"]))} to '
          f'{_e(format_number(r["High"], r["Units"]))}<br><small>{_e(r["Band"])}</small></span>'] for _, r in outcomes.iterrows()],
        [False, False, False, True, True]))
    budget = budget_table(sweep)
    if budget is not None:
        parts.append(_budget_section(budget))
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


def _interval_cell(low: float, high: float, units: str) -> str:
    """An interval as a table cell: '[low, high]' in the outcome's units."""
    return _e(f"[{format_number(low, units)}, {format_number(high, units)}]")


def _compare_section(compare: CompareResult, figures: Sequence[FigureFile], folder: Path, anchor: str) -> str:
    """One compare file: the paired differences per outcome with both intervals (a key table, the difference and
    its paired interval first), the forest plot, and a word on series, which compare files do not hold."""
    summary = compare.summary
    level = f"{compare.confidence:.0%}"
    rows = []
    for name in compare.outcome_names:
        r = summary.loc[name]
        units = str(r["units"])
        rows.append([f"<code>{_e(name)}</code>", "<strong>" + _e(format_number(r["mean_difference"], units))
                     + "</strong>", _interval_cell(r["ci_low"], r["ci_high"], units),
                     _interval_cell(r["unpaired_low"], r["unpaired_high"], units),
                     _e(format_number(r["mean_a"], units)), _e(format_number(r["mean_b"], units)),
                     _e("n/a" if not np.isfinite(r["correlation"]) else f"{r['correlation']:.2f}"),
                     _e(int(r["pairs"])), _e(units)])
    parts = [f'<h2 id="{anchor}">Paired comparison: {_e(compare.name)}</h2>',
             f"<p class=meta>A (baseline) <code>{_e(compare.name_a)}</code>, B (policy) "
             f"<code>{_e(compare.name_b)}</code>: {compare.pairs} pairs on common random numbers from "
             f"{compare.start_date:%d %b %Y}, seed {compare.seed}; file <code>{_e(compare.path.name)}</code>, "
             f"written by {_e(compare.version)}</p>"]
    if compare.pairs < FEWEST_FOR_PERCENTILE_BAND:
        parts.append(f'<p class="warning" role="note"><strong>Few pairs:</strong> {compare.pairs}. The intervals '
                     "are Student's t intervals and honest for any number of pairs, but with so few they are wide "
                     "and rest on the differences being roughly normal; run more (<code>scamsim compare "
                     f"--replicates {FEWEST_FOR_PERCENTILE_BAND}</code> or more).</p>")
    parts.append("<h3>What B changes: differences B - A per outcome</h3>" + _table(
        ["Outcome", "B - A (mean of pairs)", f"{level} paired interval", f"{level} unpaired interval (Welch)",
         "A (mean)", "B (mean)", "Correlation of A and B", "Pairs used", "Units"],
        rows, [False, True, True, True, True, True, True, True, False], css_class="key"))
    parts.append(f"<p>Paired interval: the mean of the pairs' differences ± Student's t at {level} times their "
                 "standard error. Unpaired interval: what the same runs would give were the two sides independent "
                 "(Welch), for contrast: the pairing's gain is how much narrower the paired one is. Correlation: of "
                 "A and B across the pairs (near 1: the pairing removed most of chance).</p>")
    parts.extend(_figure_html(figure, folder) for figure in figures)
    if not figures:
        parts.append("<p>No outcome has a nonzero mean under A, so there is no forest plot of percentages; the "
                     "table above holds every difference.</p>")
    parts.append("<p>A compare file holds the pairs' outcomes, not their series over time. To see both sides over "
                 "time, run each with <code>scamsim run</code> (the resolved scenarios are under \"Files\" below) "
                 "and report the two run files together: <code>analysis/report A.h5 B.h5 -o DIR</code>.</p>")
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


def _default_title(runs: Sequence[RunResult], labels: Sequence[str], sweeps: Sequence[SweepResult],
                   compares: Sequence[CompareResult] = ()) -> str:
    """'scamsim report: <scenario>' or a comparison of several."""
    if len(runs) == 1 and not sweeps and not compares:
        return f"scamsim report: {labels[0]}"
    if runs and not sweeps and not compares:
        return "scamsim report: " + " vs ".join(labels)
    return "scamsim report: " + ", ".join(list(labels) + [f"sweep {s.name}" for s in sweeps]
                                         + [f"paired comparison {c.name}" for c in compares])


def make_report(paths: Sequence[str | Path], folder: str | Path, title: str | None = None,
                labels: Sequence[str] | None = None, svg: bool = True, force: bool = False) -> Report:
    """Reads the result files, draws the figures into FOLDER/figures and writes FOLDER/index.html and
    FOLDER/manifest.json. Raises ResultFileError for a bad input file and ReportError for a bad output folder:
    one that holds files but no earlier report is refused unless `force` (output_folder.py)."""
    folder = Path(folder)
    check_output_folder(folder, force)
    results = [open_result(path) for path in paths]
    # Counts and money of a smaller (or larger) world, shown as those of the full region.
    runs = [r.at_full_scale() for r in results if isinstance(r, RunResult)]
    sweeps = [r for r in results if isinstance(r, SweepResult)]
    compares = [r for r in results if isinstance(r, CompareResult)]
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
        compare_figures = [make_compare_figures(compare, f"compare{index + 1}", figures_folder, svg)
                           for index, compare in enumerate(compares)]
        title = title or _default_title(runs, run_labels, sweeps, compares)
        body = _body(title, runs, run_labels, events, run_figures, sweeps, sweep_figures, compares, compare_figures,
                     results, folder)
    report.figures = (run_figures + [f for figures in sweep_figures for f in figures]
                      + [f for figures in compare_figures for f in figures])
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<script>{_ERROR_COUNTER}</script>\n<style>{_CSS}</style>\n</head>\n"
            f"<body data-render-check=\"pending\">\n<main>\n{body}\n</main>\n<script>{_RENDER_CHECK}</script>\n"
            "</body>\n</html>\n")
    report.index.write_text(page, encoding="utf-8")
    manifest = {
        "title": title,
        "inputs": [{"file": str(r.path), "kind": r.kind, "name": r.name, "seed": r.seed} for r in results],
        "figures": [{"id": f.figure_id, "title": f.title, "caption": f.caption, "png": f.png.relative_to(folder).as_posix(),
                     "svg": f.svg.relative_to(folder).as_posix() if f.svg else None, "width_px": f.width_px,
                     "height_px": f.height_px, "overflow_px": f.overflow_px} for f in report.figures],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return report


def _body(title: str, runs: Sequence[RunResult], labels: Sequence[str], events: Sequence[EventMark],
          run_figures: Sequence[FigureFile], sweeps: Sequence[SweepResult],
          sweep_figures: Sequence[Sequence[FigureFile]], compares: Sequence[CompareResult],
          compare_figures: Sequence[Sequence[FigureFile]], results: Sequence[RunResult | SweepResult | CompareResult],
          folder: Path) -> str:
    """Everything inside <main>."""
    parts = [f"<header><h1>{_e(title)}</h1>{_runs_header(runs, labels)}"]
    for sweep in sweeps:
        parts.append(f"<p class=meta><strong>Sweep {_e(sweep.name)}</strong>: design {_e(sweep.design)}, "
                     f"{len(sweep.runs)} runs, seed {sweep.seed}, run.scale {sweep.scale:.3g}, written by {_e(sweep.version)}; file "
                     f"<code>{_e(sweep.path.name)}</code></p>")
    for compare in compares:
        parts.append(f"<p class=meta><strong>Paired comparison {_e(compare.name)}</strong>: {compare.pairs} pairs, "
                     f"seed {compare.seed}, {compare.confidence:.0%} intervals, written by {_e(compare.version)}; file "
                     f"<code>{_e(compare.path.name)}</code></p>")
    parts.append(_preview_banner(runs, sweeps, compares))
    parts.append("</header>")
    toc = []
    if runs:
        toc += [("key-figures", "Key figures"), ("events", "Scenario events")]
        toc += [(f"fig-{f.figure_id}", f.title) for f in run_figures]
    toc += [(f"sweep{i + 1}", f"Sweep: {s.name}") for i, s in enumerate(sweeps)]
    toc += [(f"compare{i + 1}", f"Paired comparison: {c.name}") for i, c in enumerate(compares)]
    toc.append(("files", "Files, scenarios and versions"))
    parts.append("<nav><h2>Contents</h2><ol>" + "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t in toc)
                 + "</ol></nav>")
    parts.append(_how_to_read(bool(runs), bool(sweeps), runs, sweeps, compares, events))
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
    for index, (compare, figures) in enumerate(zip(compares, compare_figures)):
        parts.append(_compare_section(compare, figures, folder, f"compare{index + 1}"))
    file_labels = {run.path: label for run, label in zip(runs, labels)}
    parts.append('<h2 id="files">Files, scenarios and versions</h2>')
    parts.append(_files_section(results, file_labels))
    parts.append("<footer>Made by <code>analysis/report</code> from "
                 + ", ".join(f"<code>{_e(r.path.name)}</code>" for r in results)
                 + ". Figures are also in the <code>figures/</code> folder beside this page, as PNG and SVG.</footer>")
    return "\n".join(parts)


__all__ = ["make_report", "Report", "ReportError", "ResultFileError", "FIGURES_FOLDER"]

