"""Reading scamsim compare files (`scamsim compare A.toml B.toml -o CMP.h5`) into CompareResult: the outcomes of
both sides of every pair, the differences B - A, and the paired statistics (docs/SWEEPS.md, "Paired comparisons")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .errors import ResultFileError
from .result_file import FileMetadata, _attributes, _coordinate_values, _coordinates, _File, _strings, opened

#: The statistics of /summary, per outcome, as `scamsim compare` writes them (sim/io/compare_results.cpp).
SUMMARY_STATISTICS = ("mean_a", "mean_b", "sd_a", "sd_b", "mean_difference", "sd_difference", "ci_low", "ci_high",
                      "unpaired_low", "unpaired_high", "correlation")


@dataclass
class CompareResult(FileMetadata):
    """A scamsim compare file: scenario A (the baseline) against B (the policy), run as pairs on common random numbers.

    `values` holds every outcome of both sides of every pair, (outcome, pair, side) with side 'a' or 'b';
    `differences` B - A per pair, (outcome, pair); `summary` one row per outcome with the means, standard deviations,
    the paired interval (ci_low, ci_high), Welch's unpaired interval, the correlation, the pairs used and the units;
    `outcome_info` the units, description and definition of each outcome.
    """

    path: Path
    attrs: dict[str, Any]
    outcome_names: list[str]
    values: xr.DataArray
    differences: xr.DataArray
    summary: pd.DataFrame
    outcome_info: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    kind = "compare"

    @property
    def name(self) -> str:
        """'A vs B': the two scenarios' names."""
        return f"{self.name_a} vs {self.name_b}"

    @property
    def scales(self) -> tuple[float, float]:
        """Each side's run.scale (the outcomes are at scale 1 whatever they are); 1 where the file does not say."""
        return (float(self.attrs.get("scenario_a_run_scale", 1.0)), float(self.attrs.get("scenario_b_run_scale", 1.0)))

    @property
    def name_a(self) -> str:
        """Scenario A's name (the baseline, the first scenario given)."""
        return str(self.attrs.get("scenario_a_name", ""))

    @property
    def name_b(self) -> str:
        """Scenario B's name (the policy, the second scenario given)."""
        return str(self.attrs.get("scenario_b_name", ""))

    @property
    def pairs(self) -> int:
        """The number of pairs (`replicates` of each side)."""
        return int(self.values.sizes["pair"])

    @property
    def confidence(self) -> float:
        """The level of the paired and unpaired intervals, e.g. 0.95."""
        return float(self.attrs["confidence"])

    @property
    def start_date(self) -> pd.Timestamp:
        """The first day both sides run from."""
        return pd.Timestamp(self.attrs["start_date"])

    def units(self, outcome: str) -> str:
        """The units of an outcome and of its differences, e.g. 'people'."""
        return str(self.outcome_info.loc[outcome, "units"])

    def outcome(self, name: str) -> pd.DataFrame:
        """One outcome: one row per pair, columns a, b and difference (B - A)."""
        if name not in self.outcome_names:
            raise KeyError(f"{self.path}: no outcome '{name}'; the file has {', '.join(self.outcome_names)}")
        frame = self.values.sel(outcome=name).to_pandas()
        frame["difference"] = self.differences.sel(outcome=name).to_pandas()
        frame.columns.name = None
        return frame


def _outcome_array(f: _File, group: str, names: list[str], coordinates: dict[str, np.ndarray],
                   dims: tuple[str, ...]) -> xr.DataArray:
    """The datasets `group/<name>` for every outcome, each labelled by its scales, stacked along 'outcome'."""
    arrays = []
    for name in names:
        array = f.labelled(f"{group}/{name}", coordinates)
        if tuple(sorted(array.dims)) != tuple(sorted(dims)):
            raise ResultFileError(f.path, f"'/{group}/{name}' has dimensions {list(array.dims)}; expected "
                                  f"{list(dims)}")
        arrays.append(array.transpose(*dims))
    stacked = xr.concat(arrays, dim=pd.Index(names, name="outcome"), coords="minimal", compat="override")
    stacked.attrs = {}  # each outcome's units and description are in CompareResult.outcome_info
    stacked.name = group
    return stacked


def read_compare(path: str | Path) -> CompareResult:
    """Reads a compare file. ResultFileError if it is not a complete, readable scamsim compare file."""
    path = Path(path)
    with opened(path, "compare") as (f, attrs):
        for name in ("confidence", "seed", "replicates", "start_date"):
            if name not in attrs:
                raise ResultFileError(path, f"is not a complete compare file: it has no root attribute '{name}'")
        coordinates = _coordinates(f)
        for name in ("pair", "side", "outcome"):
            if name not in coordinates:
                coordinates[name] = _coordinate_values(f.dataset(name))
        sides = [str(s) for s in coordinates["side"]]
        if sides != ["a", "b"]:
            raise ResultFileError(path, f"its /side scale holds {sides}; expected ['a', 'b']")
        names = [str(o) for o in coordinates["outcome"]]
        values = _outcome_array(f, "outcomes", names, coordinates, ("pair", "side"))
        differences = _outcome_array(f, "difference", names, coordinates, ("pair",))
        summary = pd.DataFrame(index=pd.Index(names, name="outcome"))
        for statistic in SUMMARY_STATISTICS + ("pairs",):
            summary[statistic] = f.read(f.dataset(f"summary/{statistic}"))
        units = f.read(f.dataset("summary/units"))
        summary["units"] = _strings(units) if units.dtype.kind in ("S", "O") else units
        info = []
        for name in names:
            dataset_attrs = _attributes(f.dataset(f"outcomes/{name}"))
            info.append({"units": str(dataset_attrs.get("units", "")),
                         "description": str(dataset_attrs.get("description", "")),
                         "definition": str(dataset_attrs.get("definition", ""))})
        outcome_info = pd.DataFrame(info, index=pd.Index(names, name="outcome"))
        return CompareResult(path=path, attrs=attrs, outcome_names=names, values=values, differences=differences,
                             summary=summary, outcome_info=outcome_info)

