"""The HTML pieces of the report's page: escaped text, tables, embedded figures, value cells and folded
scenario text. Cells given to them are HTML already."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Sequence

import numpy as np

from .style import FigureFile, format_number

def _e(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None,
           css_class: str = "") -> str:
    """A table; cells are HTML already (escape them first). `numeric` right-aligns columns. `css_class` "key": a
    table the page fits to its width (cells wrap) rather than letting it scroll sideways."""
    numeric = list(numeric) if numeric is not None else [False] * len(header)
    head = "".join(f'<th{" class=num" if n else ""} scope="col">{h}</th>' for h, n in zip(header, numeric))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if n else ""}>{c}</td>' for c, n in zip(row, numeric))
                   + "</tr>" for row in rows)
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
    """A median and its band as table cells ('' range if the replicates agree)."""
    value = format_number(median, units)
    if not np.isfinite(low) or not np.isfinite(high) or (abs(high - low) < 1e-12):
        return _e(value), ""
    return _e(value), _e(f"{format_number(low, units)} to {format_number(high, units)}")


def _toml_block(title: str, text: str) -> str:
    """Scenario text folded away in a <details>."""
    if not text:
        return ""
    return f"<details><summary>{_e(title)}</summary><pre><code>{_e(text)}</code></pre></details>"
