"""Run the axe-core accessibility checker on a page, in headless Chromium.

    python -m attention_explainer.axe PAGE.html     # prints each finding; exit 1 on serious/critical

axe-core (MPL-2.0, from npm) and Debian's ``chromium`` are installed by ``scripts/setup.sh``:
axe-core into ``.venv/npm/node_modules``. The page is copied beside itself with two scripts
added at the end of its body, one loading axe and one running it and writing the findings
into the page; Chromium loads the copy headless, lets its scripts run (``--virtual-time-budget``)
and prints the resulting DOM, from which the findings are read. Nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AxeFinding", "AxeUnavailableError", "axe_script", "chromium", "run_axe"]

PROJECT_DIR = Path(__file__).resolve().parents[1]
AXE_SCRIPT = PROJECT_DIR / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the ADA Title II rule and most universities ask for.
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SERIOUS = ("serious", "critical")
_RESULT = re.compile(r'<pre id="axe-result">(.*?)</pre>', re.S)
_CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--mute-audio", "--allow-file-access-from-files")


class AxeUnavailableError(RuntimeError):
    """Chromium or axe-core is missing; the message says how to install it."""


@dataclass(frozen=True)
class AxeFinding:
    """One rule the page breaks: its id, impact (minor ... critical), help text, and how many
    elements break it, with the first one's HTML."""

    rule: str
    impact: str
    help: str
    count: int
    example: str

    def __str__(self) -> str:
        return f"{self.impact}: {self.rule} ({self.count}x): {self.help}; e.g. {self.example[:120]}"


def chromium() -> str:
    """Chromium's command (Debian's ``chromium``), or an AxeUnavailableError."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    raise AxeUnavailableError("Chromium is not installed: run scripts/setup.sh (Debian package chromium)")


def axe_script() -> Path:
    """axe-core's script, or an AxeUnavailableError."""
    if not AXE_SCRIPT.is_file():
        raise AxeUnavailableError(f"axe-core is not installed ({AXE_SCRIPT} is missing): "
                                  "run scripts/setup.sh")
    return AXE_SCRIPT


def run_axe(page: Path, seconds: float = 60.0) -> list[AxeFinding]:
    """axe-core's WCAG 2.1 A/AA findings on ``page`` (an HTML file), worst first."""
    script, browser = axe_script(), chromium()
    runner = ("<script>axe.run(document, {runOnly: {type: 'tag', values: " + json.dumps(list(TAGS)) + "}})"
              ".then(r => { const p = document.createElement('pre'); p.id = 'axe-result';"
              " p.textContent = JSON.stringify(r.violations.map(v => ({rule: v.id, impact: v.impact || '',"
              " help: v.help, count: v.nodes.length, example: (v.nodes[0] || {}).html || ''})));"
              " document.body.appendChild(p); })"
              ".catch(e => { const p = document.createElement('pre'); p.id = 'axe-result';"
              " p.textContent = JSON.stringify({error: String(e)});"
              " document.body.appendChild(p); });</script>")
    text = page.read_text(encoding="utf-8")
    added = f'<script src="{script.as_uri()}"></script>{runner}'
    text = text.replace("</body>", added + "</body>", 1) if "</body>" in text else text + added
    with tempfile.TemporaryDirectory(prefix="axe-") as profile:
        copy = page.with_name(f".{page.stem}.axe-{os.getpid()}.html")
        try:
            copy.write_text(text, encoding="utf-8")
            done = subprocess.run([browser, *_CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                   "--virtual-time-budget=30000", "--dump-dom", copy.as_uri()],
                                  capture_output=True, text=True, timeout=seconds)
        finally:
            copy.unlink(missing_ok=True)
    found = _RESULT.search(done.stdout)
    if found is None:
        raise RuntimeError(f"axe-core gave no result for {page} (chromium exit {done.returncode}: "
                           f"{done.stderr.strip()[-300:]})")
    import html as html_module

    data = json.loads(html_module.unescape(found.group(1)))
    if isinstance(data, dict):
        raise RuntimeError(f"axe-core failed on {page}: {data.get('error')}")
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    return sorted((AxeFinding(**item) for item in data), key=lambda f: order.get(f.impact, 4))


def main(argv: list[str] | None = None) -> int:
    pages = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    worst = 0
    for page in pages:
        try:
            findings = run_axe(page)
        except (AxeUnavailableError, RuntimeError, OSError, subprocess.TimeoutExpired) as error:
            print(f"axe: {page}: {error}", file=sys.stderr)
            return 2
        print(f"{page}: {len(findings)} finding(s)")
        for finding in findings:
            print(f"  {finding}")
        worst = max(worst, int(any(f.impact in SERIOUS for f in findings)))
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
