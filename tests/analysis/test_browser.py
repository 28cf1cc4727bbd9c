#!/usr/bin/python3
"""The reports open in a real browser: headless Chromium loads each index.html from disk and the page's own check
(an inline script that, at load, counts images with naturalWidth 0 and script errors caught by window.onerror)
marks <body data-render-check="ok">; the DOM that Chromium dumps must carry that mark with every figure counted. A
control page with a broken image and a script error must be marked "failed", so the check is known to work.

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
    """A copy of a report page with one broken image and one failing script."""
    page = source.read_text(encoding="utf-8")
    page = page.replace("</main>", '<img src="figures/does_not_exist.png" alt="broken">'
                                   "<script>undefinedFunctionCall();</script></main>", 1)
    target = folder / "control.html"
    target.write_text(page, encoding="utf-8")
    return target


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
            state = (attributes.get("data-render-check"), attributes.get("data-images"),
                     attributes.get("data-broken-images"), attributes.get("data-script-errors"))
            print(f"{folder / 'index.html'}: render-check={state[0]} images={state[1]} broken={state[2]} "
                  f"script-errors={state[3]} (expected {expected} images)")
            if state != ("ok", str(expected), "0", "0"):
                failures.append(f"{folder / 'index.html'} did not render cleanly: {attributes}")
        control = control_page(Path(argv[1]) / "index.html", Path(argv[1]))
        try:
            attributes = body_attributes(dump_dom(chromium, control, profile))
        finally:
            control.unlink()
        print(f"control page: render-check={attributes.get('data-render-check')} "
              f"broken={attributes.get('data-broken-images')} script-errors={attributes.get('data-script-errors')}")
        if (attributes.get("data-render-check"), attributes.get("data-broken-images"),
                attributes.get("data-script-errors")) != ("failed", "1", "1"):
            failures.append(f"the control page with a broken image and a script error was not caught: {attributes}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if not failures:
        print(f"all {len(argv) - 1} reports rendered in {chromium}, and the control page was caught")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
