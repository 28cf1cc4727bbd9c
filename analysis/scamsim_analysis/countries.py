"""The fallback table of country names and map positions (analysis/countries.csv)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Where the fallback table lives: analysis/countries.csv, beside this package.
COUNTRIES_CSV = Path(__file__).resolve().parent.parent / "countries.csv"


def fallback_countries(path: Path = COUNTRIES_CSV) -> pd.DataFrame:
    """The fallback table, indexed by country id, with columns name, latitude_deg, longitude_deg and where; an empty
    table of those columns if the file is missing."""
    columns = ["name", "latitude_deg", "longitude_deg", "where"]
    if not path.exists():
        return pd.DataFrame(columns=columns, index=pd.Index([], name="id"))
    table = pd.read_csv(path, comment="#", dtype={"id": str, "name": str, "where": str})
    return table.set_index("id")[columns]
