#!/usr/bin/python3
"""The reports open in a real browser and show every figure whole: headless Chromium, in a 1280-pixel-wide window,
loads each index.html from disk and the page's own check (an inline script run at load) records on <body> how many
images did not load (complete and naturalWidth > 0), were shown shrunk below 90% of their own size or with another
shape, or reach past the page's edge; how many key tables (the cost per averted, the paired differences) scroll
sideways; whether the page scrolls sideways; and script errors (window.onerror). Every count must be 0 with every
figure counted, and every figure's manifest entry must say nothing drawn reaches past the image's edge
(overflow_px, measured when it was drawn): a clipped title, label or legend fails. A control page with a broken
image, a script error, a shrunk image and a key table too wide for the page must be caught on each count, so the
checks are known to work.

Exits 77 (ctest: skipped) with a message when Chromium is not installed (Debian: apt-get install chromium;
scripts/install-deps installs it).

Usage: test_browser.py REPORT_FOLDER...
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = 77
#: The browser window's width: a laptop's; the report's 1100-pixel figures fit it unshrunk.
WINDOW_WIDTH_PX = 1280
#: The most a figure may reach past its image's edge, in pixels (rounding).
MOST_OVERFLOW_PX = 1.0
#: What the page's check must record on <body> for a clean report (data-images is checked against the manifest).
CLEAN = {"data-render-check": "ok", "data-broken-images": "0", "data-shrunk-images": "0",
         "data-overflowing-images": "0", "data-scrolling-key-tables": "0", "data-page-scrolls-sideways": "no",
         "data-script-errors": "0"}


def find_chromium() -> str | None:
    """The Chromium binary, if one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def dump_dom(chromium: str, page: Path, profile: Path) -> str:
    """The page's DOM after load, as headless Chromium serialises it."""
    env = dict(os.environ, HOME=str(profile))
    command = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage",
               "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
               f"--window-size={WINDOW_WIDTH_PX},1024", "--hide-scrollbars",
               "--virtual-time-budget=15000", "--dump-dom", page.resolve().as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, check=False)
    if result.returncode != 0 or "<body" not in result.stdout:
        raise RuntimeError(f"chromium failed on {page} ({result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def body_attributes(dom: str) -> dict[str, str]:
    """The attributes of <body> in a DOM dump."""
    match = re.search(r"<body([^>]*)>", dom)
    if not match:
        raise RuntimeError("no <body> in the DOM dump")
    return dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))


def control_page(source: Path, folder: Path) -> Path:
    """A copy of a report page with one broken image, one failing script, one figure shown at a third of its width
    and one key table far wider than the page."""
    page = source.read_text(encoding="utf-8")
    first = page.index("<img src=\"data:image/png")
    shrunk = page[first:page.index(">", first) + 1].replace("<img ", '<img style="width:33%;height:auto" ', 1)
    wide = ('<table class="key"><tr><td style="white-space:nowrap">' + "cost per averted " * 300
            + "</td></tr></table>")
    page = page.replace("</main>", '<img src="figures/does_not_exist.png" alt="broken">' + shrunk + wide
                        + "<script>undefinedFunctionCall();</script></main>", 1)
    target = folder / "control.html"
    target.write_text(page, encoding="utf-8")
    return target


def manifest_overflows(manifest: dict) -> list[str]:
    """The figures whose drawing reaches past their image's edge (clipped), with how far."""
    return [f"{f['id']} ({f.get('overflow_px')} px)" for f in manifest["figures"]
            if f.get("overflow_px") is None or float(f["overflow_px"]) > MOST_OVERFLOW_PX]


def main(argv: list[str]) -> int:
    """Checks each report folder; 0 if every page rendered, 1 if one did not, 77 without Chromium."""
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print("SKIP: Chromium is not installed, so the reports were not opened in a browser "
              "(Debian: apt-get install chromium; scripts/install-deps installs it)")
        return SKIP
    failures = []
    with tempfile.TemporaryDirectory() as temporary:
        profile = Path(temporary) / "profile"
        profile.mkdir()
        for folder in map(Path, argv[1:]):
            manifest = json.loads((folder / "manifest.json").read_text())
            expected = len(manifest["figures"])
            attributes = body_attributes(dump_dom(chromium, folder / "index.html", profile))
            print(f"{folder / 'index.html'}: " + " ".join(f"{k[5:]}={attributes.get(k)}" for k in
                                                        ["data-images", "data-key-tables"] + list(CLEAN))
                  + f" (expected {expected} images)")
            wrong = {k: attributes.get(k) for k, v in CLEAN.items() if attributes.get(k) != v}
            if wrong or attributes.get("data-images") != str(expected):
                failures.append(f"{folder / 'index.html'} did not render cleanly: {wrong or attributes}")
            clipped = manifest_overflows(manifest)
            if clipped:
                failures.append(f"{folder}: figures drawn past their image's edge (clipped): {', '.join(clipped)}")
            if "budget" in json.dumps(manifest) or "forest" in json.dumps(manifest):
                if attributes.get("data-key-tables", "0") == "0":
                    failures.append(f"{folder / 'index.html'}: has a budget or compare figure but no key table")
        control = control_page(Path(argv[1]) / "index.html", Path(argv[1]))
        try:
            attributes = body_attributes(dump_dom(chromium, control, profile))
        finally:
            control.unlink()
        caught = {"data-render-check": "failed", "data-broken-images": "1", "data-script-errors": "1",
                  "data-shrunk-images": "1", "data-scrolling-key-tables": "1", "data-page-scrolls-sideways": "yes"}
        print("control page: " + " ".join(f"{k[5:]}={attributes.get(k)}" for k in caught))
        missed = {k: attributes.get(k) for k, v in caught.items() if attributes.get(k) != v}
        if missed:
            failures.append(f"the control page (a broken image, a script error, a shrunk image, a key table too "
                            f"wide) was not caught on every count: {missed}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if not failures:
        print(f"all {len(argv) - 1} reports rendered in {chromium}, and the control page was caught")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
