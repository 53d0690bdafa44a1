#!/usr/bin/env python3
"""End-to-end test of `folio preview` in a real headless Chromium, driven by Selenium.

    python3 Tests/Browser/preview_test.py [path/to/folio]

Starts `folio preview` on a notebook in a temporary folder, opens the page, and checks, each
as a step: prose edits appear in the page's DOM without the test reloading it (the scroll
position kept); a broken directive shows the error overlay with file:line:col and a caret;
fixing it removes the overlay; changing an experiment shows the progress banner, then the
new figure. It prints the median time from save to updated DOM over 10 prose edits (read
from the page's `data-folio-updated` stamp, so the polling of this script does not count),
then `browser: N passed, N failed`. The preview and the browser are stopped in every case.
With FOLIO_SCREENSHOTS=DIR it saves the page with the overlay and with the banner there.
"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

NOTEBOOK = """---
title: Live preview
params:
  epochs: 3
defaults:
  dataset: spirals
  epochs: $epochs
---

# Live preview

{filler}

```{{experiment}} spin
model: [dense 16, relu, dense 3]
optimizer: adam
variants:
  small: {{}}
```

```{{plot}}
runs: spin
y: val_accuracy
caption: Validation accuracy per epoch.
```

Edits follow.
"""
FILLER = "\n\n".join(f"Paragraph {i} pads the page so that it scrolls. " * 6 for i in range(40))
WIDE_VARIANT = "  small: {}\n  wide:\n    model: [dense 64, relu, dense 3]\n    epochs: 150\n"


class Preview:
    """`folio preview` in the background, its standard error collected by a thread."""

    def __init__(self, folio, folder, notebook):
        env = dict(os.environ, CI="true")
        self.process = subprocess.Popen(
            [folio, "preview", notebook, "--port", "0", "-o", "out", "--cache-dir", "cache"],
            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern, seconds=120):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for line in list(self.lines):
                match = re.search(pattern, line)
                if match:
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"preview never printed {pattern!r}; it printed:\n" + "\n".join(self.lines[-40:]))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def chromium():
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,800"):
        options.add_argument(argument)
    binary = os.environ.get("FOLIO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(driver_path), options=options)


def wait_until(condition, seconds=60, what="condition"):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    folio = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/folio")
    folder = tempfile.mkdtemp(prefix="folio-browser-")
    path = os.path.join(folder, "live.md")
    text = NOTEBOOK.format(filler=FILLER)

    def save(new_text):
        nonlocal text
        text = new_text
        with open(path, "w") as handle:
            handle.write(text)
        return time.time() * 1000

    save(text)
    preview = Preview(folio, folder, "live.md")
    driver = None
    passed = failed = 0
    latencies = []
    try:
        url = preview.wait_for(r"at (http://127\.0\.0\.1:\d+/\S*)").group(1)
        preview.wait_for(r"live\.md: wrote ")
        driver = chromium()
        driver.get(url)
        js = driver.execute_script
        wait_until(lambda: js("return document.documentElement.dataset.folioUpdated"), what="the live script's first refresh")
        js("window.folioTestMark = 42; window.scrollTo(0, 400);")

        def screenshot(name):
            folder_for_shots = os.environ.get("FOLIO_SCREENSHOTS")
            if folder_for_shots:
                os.makedirs(folder_for_shots, exist_ok=True)
                driver.save_screenshot(os.path.join(folder_for_shots, name + ".png"))

        def step(name, check):
            nonlocal passed, failed
            try:
                check()
                passed += 1
                print(f"ok: {name}", flush=True)
            except Exception as error:  # noqa: BLE001 - report every failure, then stop
                failed += 1
                print(f"FAILED: {name}: {error}", flush=True)
                raise

        def prose_edits():
            for number in range(1, 11):
                marker = f"Sentence {number} was appended by the test."
                before = int(js("return document.documentElement.dataset.folioUpdated"))
                saved = save(text + f"\n{marker}\n")
                wait_until(lambda: marker in js("return document.body.innerText"), seconds=20, what=marker)
                updated = int(js("return document.documentElement.dataset.folioUpdated"))
                assert updated > before, "the page was not swapped in"
                latencies.append(updated - saved)
                time.sleep(0.15)
            assert js("return window.folioTestMark") == 42, "the page was reloaded"
            assert js("return Math.round(window.scrollY)") == 400, f"scroll moved to {js('return window.scrollY')}"

        def broken_directive():
            save(text.replace("model: [dense 16, relu, dense 3]", "model: [dense 16, batchnrom, dense 3]"))
            wait_until(lambda: js("const o = document.getElementById('folio-errors'); return o && !o.hidden"),
                       seconds=30, what="the error overlay")
            overlay = js("return document.getElementById('folio-errors').innerText")
            assert re.search(r"live\.md:\d+:\d+: error: unknown layer 'batchnrom' \(did you mean 'batchnorm'\?\)", overlay), overlay
            assert re.search(r"\n\d+ \| model: \[dense 16, batchnrom, dense 3\]\n +\| +\^", overlay), overlay
            assert "Sentence 10 was appended" in js("return document.body.innerText"), "the last good report is gone"
            preview.wait_for(r"live\.md:\d+:\d+: error: unknown layer 'batchnrom'")
            screenshot("overlay")

        def fixed_directive():
            save(text.replace("model: [dense 16, batchnrom, dense 3]", "model: [dense 16, relu, dense 3]"))
            wait_until(lambda: js("return document.getElementById('folio-errors').hidden"), seconds=30, what="the overlay to go")

        def changed_experiment():
            assert "wide" not in js("return document.querySelector('figure svg').textContent")
            save(text.replace("  small: {}\n", WIDE_VARIANT))
            banner = wait_until(lambda: js("const b = document.getElementById('folio-progress');"
                                           "return b && !b.hidden && b.textContent"), seconds=60, what="the progress banner")
            assert re.match(r"Training run 1 of 1: spin/wide \(seed 0\), epoch \d+ of 150", banner), banner
            screenshot("banner")
            wait_until(lambda: "wide" in js("return document.querySelector('figure svg').textContent"),
                       seconds=300, what="the new figure")
            assert js("return document.getElementById('folio-progress').hidden"), "the banner stayed"

        step("ten prose edits appear in the page without a reload, scroll kept", prose_edits)
        step("a broken directive shows the overlay with file:line:col and a caret", broken_directive)
        step("fixing it removes the overlay", fixed_directive)
        step("changing an experiment shows the progress banner, then the new figure", changed_experiment)

        median = statistics.median(latencies)
        print(f"save to updated DOM over {len(latencies)} prose edits: median {median:.0f} ms "
              f"(min {min(latencies):.0f}, max {max(latencies):.0f}; {', '.join(f'{x:.0f}' for x in latencies)})")
        result_file = os.environ.get("FOLIO_PREVIEW_TIMINGS")
        if result_file:
            with open(result_file, "w") as handle:
                json.dump({"median_ms": median, "latencies_ms": latencies}, handle)
    except Exception as error:  # noqa: BLE001
        if passed + failed == 0 or not str(error):
            failed += 1
            print(f"FAILED: setting up: {error!r}")
        print("preview's last lines:\n  " + "\n  ".join(preview.lines[-30:]))
    finally:
        if driver is not None:
            driver.quit()
        status = preview.stop()
        if status != 0:
            failed += 1
            print(f"FAILED: folio preview exited with {status} on Ctrl-C")
        shutil.rmtree(folder, ignore_errors=True)
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
