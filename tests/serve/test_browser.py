#!/usr/bin/python3
"""The explorer in a real browser (Selenium, Debian's chromium-driver): open the page, change Cambodia's aftercare
budget (an out-of-range value first, which must be refused beside the lever), run with the keyboard (Enter), wait
for the charts, and check the page's numbers for Cambodia against `scamsim summary` of the same run made with the
command the page shows, and against the page the permalink opens; then save a screenshot of the page
(OUT/serve_explorer.png, kept with the test's output as the analysis report's browser test keeps its pages).
Script errors and Content-Security-Policy violations in the browser's log fail the test.

Exits 77 (ctest: skipped), saying why, only when Chromium, its driver or python3-selenium is not installed
(Debian: apt-get install chromium chromium-driver python3-selenium; scripts/install-deps installs them).

Usage: test_browser.py SCAMSIM SOURCE_DIR OUT_DIR
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serverlib import Server, summary_rows  # noqa: E402

SKIP = 77
LEVER = "events.aftercare.budget_usd_per_year"
BUDGET = "200000000"


def missing() -> str | None:
    """Why the test cannot run here, or None."""
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        return "Chromium is not installed (apt-get install chromium)"
    if not (shutil.which("chromedriver") or Path("/usr/bin/chromedriver").exists()):
        return "chromedriver is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is not installed (apt-get install python3-selenium)"
    return None


def main() -> int:
    scamsim, source, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    why = missing()
    if why:
        print(f"skipped: {why}")
        return SKIP
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    out.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,900", "--hide-scrollbars"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")

    with Server(scamsim, "--workers", "2") as server:
        driver = webdriver.Chrome(service=service, options=options)
        try:
            driver.get(server.url)
            wait = WebDriverWait(driver, 60)
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "ready")
            budget = driver.find_element(By.CSS_SELECTOR, f'input[data-key="{LEVER}"]')
            # An out-of-range value is refused beside its lever, with the loader's message.
            budget.clear()
            budget.send_keys("-5")
            error = driver.find_element(By.ID, f"{budget.get_attribute('id')}-error")
            WebDriverWait(driver, 30).until(lambda d: "out of range" in error.text)
            print(f"beside the lever: {error.text}")
            budget.clear()
            budget.send_keys(BUDGET)
            WebDriverWait(driver, 30).until(lambda d: error.text == "")
            replicates = driver.find_element(By.ID, "replicates")
            replicates.clear()
            replicates.send_keys("1")
            budget.send_keys(Keys.ENTER)  # the form submits from the keyboard
            WebDriverWait(driver, 600).until(
                lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") in ("done", "failed",
                                                                                                 "error"))
            state = driver.find_element(By.TAG_NAME, "body").get_attribute("data-state")
            if state != "done":
                print(f"FAIL: the run ended '{state}': {driver.find_element(By.ID, 'status').text}")
                return 1
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".uplot canvas")) >= 7)

            held_end = driver.find_element(By.CSS_SELECTOR, 'td[data-country="cambodia"][data-col="held_end"]').text
            rerecruited = driver.find_element(By.CSS_SELECTOR,
                                              'td[data-country="cambodia"][data-col="rerecruited"]').text
            command = driver.find_element(By.ID, "command").text
            print(f"page: Cambodia held at the end {held_end}, re-recruited {rerecruited}")
            print(f"page's command: {command}")

            # The permalink reopens the question and runs it: the same numbers.
            permalink = driver.find_element(By.ID, "permalink").get_attribute("href")
            print(f"permalink: {permalink}")
            driver.get("about:blank")
            driver.get(permalink)
            WebDriverWait(driver, 600).until(
                lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "done")
            again = driver.find_element(By.CSS_SELECTOR, 'td[data-country="cambodia"][data-col="held_end"]').text
            reopened = driver.find_element(By.CSS_SELECTOR, f'input[data-key="{LEVER}"]').get_attribute("value")
            if again != held_end or reopened != BUDGET:
                print(f"FAIL: the permalink gave {again} with the lever at {reopened}")
                return 1

            driver.set_window_size(1280, max(900, driver.execute_script("return document.body.scrollHeight") + 40))
            shot = out / "serve_explorer.png"
            driver.save_screenshot(str(shot))
            print(f"screenshot: {shot}")
            # Script errors and CSP violations; not the 400s the page gets while a lever holds a value being typed
            # (they are how it shows errors beside the lever).
            errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"
                      and not ("/api/resolve" in e.get("message", "") and "status of 400" in e.get("message", ""))]
        finally:
            driver.quit()

    # The same run from the command the page shows, and its summary.
    words = shlex.split(command)
    if words[:2] != ["scamsim", "run"] or f"{LEVER}={BUDGET}" not in command or "--replicates 1" not in command:
        print(f"FAIL: unexpected command: {command}")
        return 1
    h5 = out / "serve_browser_run.h5"
    words[0] = scamsim
    words[words.index("-o") + 1] = str(h5)
    subprocess.run([*words, "--force", "-q"], cwd=source, check=True)
    rows = summary_rows(scamsim, h5)
    expected_held, expected_rerecruited = rows["cambodia"][1], rows["cambodia"][3]
    print(f"scamsim summary: Cambodia held at the end {expected_held}, re-recruited {expected_rerecruited}")

    failures = []
    if held_end != expected_held:
        failures.append(f"held at the end: page {held_end}, summary {expected_held}")
    if rerecruited != expected_rerecruited:
        failures.append(f"re-recruited: page {rerecruited}, summary {expected_rerecruited}")
    for e in errors:
        failures.append(f"browser log: {e.get('message')}")
    for f in failures:
        print(f"FAIL: {f}")
    if not failures:
        print("ok: the page's numbers are scamsim summary's, and the browser logged no error")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
