"""Time to interactive: each workbook dashboard against bare Voila, measured in the same run.

Starts ``smlkit workshop`` and, beside it, plain Voila serving a one-widget notebook with
the same kernel-pool settings. For each, Chromium navigates to the page and the clock
stops when the first widget is ready for input (for a workbook dashboard: its root widget
carries ``smlkit-ready``, i.e. the visitor's own data is loaded). Median of N runs, each
in a fresh browser context, with a pause between runs so the pool refills equally for both.

    python bench/tti.py [--runs 5]

Prints one row per dashboard: median and p-max seconds, and the ratio to bare Voila.
Target: every dashboard within 1.25x of bare Voila.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smlkit import library as content  # noqa: E402
from smlkit.serve.config import voila_config  # noqa: E402
from tests.support.servers import Server, free_port, launch  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
BARE_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [
                "import ipywidgets as w\n",
                "b = w.Button(description='Ready')\n",
                "b.add_class('bench-ready')\n",
                "b",
            ],
        }
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def time_page(browser, url: str, ready: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(ready, state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=6.0, help="seconds between runs (pool refill)")
    opts = parser.parse_args()

    course = content.course()
    dashboards = [d for d in course.dashboards if not d.needs_key]
    pool = max((d.preheat for d in dashboards), default=1)
    tmp = Path(tempfile.mkdtemp(prefix="smlkit-bench-"))
    # Every page against bare Voila with a pool of its own: the course plan's few kernels per page,
    # whatever the time of day (the room-sized default warms only the session now; bench/room.py).
    env = {**os.environ, "SMLKIT_HOME": str(tmp), "SMLKIT_PREHEAT": "plan"}

    ws_port, bare_port = free_port(), free_port()
    bare_dir = tmp / "bare"
    bare_dir.mkdir()
    (bare_dir / "bare.ipynb").write_text(json.dumps(BARE_NOTEBOOK))
    shared = voila_config(course)["VoilaConfiguration"]
    servers: list[Server] = []
    try:
        servers.append(
            launch(
                [
                    *(sys.executable, "-m", "smlkit.cli", "workshop"),
                    *("--port", str(ws_port), "--db", str(tmp / "bench.sqlite"), "--facilitator-key", "bench-key-123"),
                ],
                url=f"http://127.0.0.1:{ws_port}/",
                log_path=tmp / "workshop.log",
                env=env,
                ready=lambda log: "Kernel pool" in log,
                name="the workshop server",
            )
        )
        servers.append(
            launch(
                [
                    sys.executable,
                    "-m",
                    "voila",
                    "bare.ipynb",
                    "--no-browser",
                    f"--port={bare_port}",
                    "--preheat_kernel=True",
                    f"--pool_size={pool}",
                    "--MappingKernelManager.cull_idle_timeout=900",
                    f"--VoilaConfiguration.show_tracebacks={shared['show_tracebacks']}",
                ],
                url=f"http://127.0.0.1:{bare_port}/",
                log_path=tmp / "bare.log",
                env=env,
                cwd=bare_dir,
                ready=lambda log: "Kernel pool" in log,
                name="bare Voila",
            )
        )
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS)
            targets = [("bare Voila (one widget)", f"http://127.0.0.1:{bare_port}/", ".bench-ready")]
            targets += [
                (d.title, f"http://127.0.0.1:{ws_port}/voila/render/{d.notebook}", ".smlkit-ready") for d in dashboards
            ]
            times: dict[str, list[float]] = {name: [] for name, _, _ in targets}
            for _ in range(opts.runs):  # interleave so both servers see the same machine load
                for name, url, ready in targets:
                    times[name].append(time_page(browser, url, ready))
                    time.sleep(opts.pause)
            browser.close()
        base = statistics.median(times[targets[0][0]])
        print(f"\nTime to interactive, median of {opts.runs} (seconds); ratio against bare Voila in this run\n")
        print(f"{'page':40} {'median':>8} {'max':>8} {'ratio':>7}")
        for name, _, _ in targets:
            med = statistics.median(times[name])
            rows.append((name, med, max(times[name]), med / base))
            print(f"{name:40} {med:8.2f} {max(times[name]):8.2f} {med / base:7.2f}x")
        worst = max(r[3] for r in rows[1:]) if len(rows) > 1 else 1.0
        print(f"\nWorst dashboard ratio: {worst:.2f}x (target <= 1.25x): {'met' if worst <= 1.25 else 'NOT met'}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
