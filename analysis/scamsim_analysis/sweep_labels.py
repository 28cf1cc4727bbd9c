"""Labels and axes of the sweep figures: parameter and outcome names in words with their units, dates and
money on axes, and file-name slugs."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .reader import SweepResult
from .style import money_scale

def parameter_label(key: str, units: str = "") -> str:
    """A parameter's key path in words, with its units (as the file states them, else guessed from the key's
    suffix): 'events.aftercare.budget_usd_per_year' -> 'aftercare: budget (USD/year)'."""
    parts = key.split(".")
    if parts[0] in ("events", "countries") and len(parts) > 2:
        parts = parts[1:]
    last = parts[-1]
    guessed = ""
    for suffix, unit in (("_usd_per_year", "USD/year"), ("_usd_per_person_day", "USD/person-day"), ("_usd", "USD"),
                         ("_per_year", "/year"), ("_per_month", "/month"), ("_days", "days"), ("_share", "share")):
        if last.endswith(suffix):
            last = last[: -len(suffix)]
            guessed = unit
            break
    if units.startswith("days since"):  # a date, stored as days since the start (docs/SWEEPS.md section 7)
        units = "" if last == "date" else "date"
        guessed = ""
    units = units if units and units not in ("-", "1") else guessed
    words = last.replace("_", " ")
    head = " ".join(p.replace("_", " ") for p in parts[:-1])
    text = f"{head}: {words}" if head else words
    return f"{text} ({units})" if units else text


def _parameter_label(sweep: SweepResult, parameter: str) -> str:
    """parameter_label() with the units the sweep file gives."""
    return parameter_label(parameter, sweep.parameter_units(parameter))


def outcome_words(sweep: SweepResult, name: str) -> str:
    """An outcome in words: the sweep's own description of it, or, where the sweep gave none (the file then
    repeats the definition there, docs/SWEEPS.md section 4), its name with spaces."""
    info = sweep.outcome_info.loc[name] if name in sweep.outcome_info.index else None
    description = str(info["description"]) if info is not None else ""
    if not description or description == str(info["definition"]):
        words = name.replace("_", " ")
        return words[:1].upper() + words[1:]
    return description


def outcome_label(sweep: SweepResult, name: str) -> str:
    """An outcome's description (or name) and its units."""
    text = outcome_words(sweep, name)
    units = _units(sweep, name)
    return f"{text} ({units})" if units and units != "1" else text


def _is_date(sweep: SweepResult, parameter: str) -> bool:
    """Whether a parameter is a date (stored as days since the start)."""
    return sweep.parameter_units(parameter).startswith("days since")


def _date_formatter(sweep: SweepResult, parameter: str) -> matplotlib.ticker.Formatter:
    """Tick labels for a date parameter: the day its offset names."""
    start = pd.Timestamp(sweep.parameter_units(parameter).removeprefix("days since").strip()[:10])
    return matplotlib.ticker.FuncFormatter(lambda v, _: f"{start + pd.Timedelta(days=float(v)):%d %b %Y}")


def _units(sweep: SweepResult, name: str) -> str:
    """An outcome's units ('' if unknown)."""
    return str(sweep.outcome_info.loc[name, "units"]) if name in sweep.outcome_info.index else ""


def _slug(text: str) -> str:
    """A file-name-safe version of an outcome or parameter name."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:60] or "x"


def _scale_axis(ax: plt.Axes, values: np.ndarray, axis: str = "x") -> None:
    """Log scale when the values span more than two decades; with zero among them, a symmetric log scale whose
    ticks are the values themselves (few) or zero and the powers of ten."""
    values = values[np.isfinite(values)]
    positive = values[values > 0]
    if positive.size < 2 or positive.max() / positive.min() < 100 or (values < 0).any():
        return
    target = ax.xaxis if axis == "x" else ax.yaxis
    if not (values == 0).any():
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
        return
    linthresh = float(positive.min())
    (ax.set_xscale if axis == "x" else ax.set_yscale)("symlog", linthresh=linthresh, linscale=0.6)
    distinct = np.unique(values)
    if distinct.size <= 8:
        ticks = distinct
    else:
        powers = 10.0 ** np.arange(np.ceil(np.log10(linthresh)), np.floor(np.log10(positive.max())) + 1)
        ticks = np.concatenate([[0.0], powers])
    target.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    target.set_minor_locator(matplotlib.ticker.NullLocator())
    (ax.set_xlim if axis == "x" else ax.set_ylim)(-0.3 * linthresh, positive.max() * 1.3)


def _value_formatter(values: np.ndarray, units: str) -> matplotlib.ticker.Formatter:
    """Tick labels for a parameter or outcome: money in millions or billions, large numbers with separators."""
    if "USD" in units:
        divisor, word = money_scale(values)
        suffix = {"billion USD": " bn", "million USD": "M", "thousand USD": "k"}.get(word, "")
        return matplotlib.ticker.FuncFormatter(lambda v, _: "0" if v == 0 else f"{v / divisor:,.3g}{suffix}")
    return matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}")
