"""A full training room on one machine: 30 people arrive within 30 seconds and save answers.

Each participant opens "Where are you now?" (two saves), "Answer the room's questions" (one
answer to the question the facilitator has on the wall) and "My learning agreement" (one saved
version), in that order, as a person moving through the morning would.

Two kinds of simulated participant (``--client``):

* ``protocol`` (the default): each participant is a cookie jar that fetches the page over HTTP
  and speaks the Jupyter widget protocol on the kernel's websocket, as Voila's page does
  (``tests/support/widget_client.py``). The clients cost almost nothing, so the run measures the server:
  Voila, the kernels and the store. Interactive = the dashboard's widgets are loaded and its
  root carries ``smlkit-ready`` (what the browser needs before anyone can type).
* ``browser``: real Playwright browser contexts in one headless Chromium. On this 2-core machine
  the thirty pages' JavaScript takes most of the CPU the server needs, which in a real room is
  spread over thirty laptops; use it to check small rooms end to end.

Baseline: the same journey made by ONE participant alone on the same server, measured in the
same run with the same kind of client.

    python bench/room.py [--participants 30] [--arrival 30] [--seed 7] [--client protocol|browser]

Prints, room vs single participant: time to interactive (median, p95) per dashboard,
save-to-store latency (p95), save-to-wall latency (p95: from an answer being in the store to the
facilitator's wall counting it), peak memory per kernel and in total, and saves made vs found.
Targets (issue 9): p95 time to interactive within 3x single; p95 save-to-wall under 2 s;
under 150 MB per participant kernel; no lost or duplicated save.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smlkit import library as content  # noqa: E402
from smlkit.agreements import records as agreement_records  # noqa: E402
from smlkit.course.records import REFLECTION_KEY as WHERE_KEY  # noqa: E402
from smlkit.course.records import REFLECTION_KIND as WHERE_KIND  # noqa: E402
from smlkit.serve.config import voila_config  # noqa: E402
from smlkit.storage.store import Store  # noqa: E402
from smlkit.wall import records as room  # noqa: E402
from tests.support.servers import free_port, launch  # noqa: E402
from tests.support.widget_client import Jar, PageError, WidgetPage  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
LEARNING = "What are you learning at the moment, and how are you going about it?"


@dataclass
class Journey:
    """What one participant experienced."""

    tti: dict[str, float] = field(default_factory=dict)
    save_latency: list[float] = field(default_factory=list)
    wall_latency: list[float] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class MemoryWatch:
    """Samples the server and its kernels' resident memory; keeps the peaks."""

    def __init__(self, server_pid: int):
        self.server = psutil.Process(server_pid)
        self.kernel_peak: dict[int, int] = {}
        self.total_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            try:
                procs = [self.server, *self.server.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        rss = proc.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    if proc.pid != self.server.pid and "ipykernel" in " ".join(proc.cmdline()):
                        self.kernel_peak[proc.pid] = max(self.kernel_peak.get(proc.pid, 0), rss)
                self.total_peak = max(self.total_peak, total)
            except psutil.Error:
                pass

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def open_ready(page, url: str) -> float:
    start = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=180_000)
    await page.wait_for_selector(".smlkit-ready", state="attached", timeout=180_000)
    return time.perf_counter() - start


async def where_now(page, base: str, journey: Journey, who: str, store: Store) -> None:
    journey.tti["Where are you now?"] = await open_ready(page, f"{base}voila/render/where-are-you-now.ipynb")
    await page.get_by_role("radio", name="4 – Most of it").check()
    for attempt in range(2):  # two saves each: the second is a new version
        marker = f"room-bench participant {who} save {attempt}"
        await page.get_by_label(LEARNING).fill(marker)
        await page.get_by_label(LEARNING).blur()
        clicked = time.perf_counter()
        await page.get_by_role("button", name="Save my answers").click()
        confirmation = "version 2" if attempt else "Saved at"
        await page.locator(".smlkit-status", has_text=confirmation).wait_for(timeout=120_000)
        journey.markers.append(marker)
        # Save-to-store: when the answer is readable by any other process (e.g. the wall's kernel).
        while not await asyncio.to_thread(_stored, store, marker):
            await asyncio.sleep(0.02)
        journey.save_latency.append(time.perf_counter() - clicked)
        await page.wait_for_timeout(500)


def _stored(store: Store, marker: str) -> bool:
    return any(r.data["answers"].get("where-now-learning") == marker for r in store.all_of(WHERE_KIND, WHERE_KEY))


WALL_PROMPT = "how-who-helps"
JOURNEY = ("where-now", "answer-the-room", "my-learning-agreement")
COUNT = re.compile(r'smlkit-count-number">(\d+)<')
WALL_COUNT = "n => Number((document.querySelector('.smlkit-count-number') || {}).textContent || -1) >= n"


def _answers_now(store: Store) -> tuple[int, set[str]]:
    texts = {str(r.data.get("value")) for r in store.all_of(room.ANSWER_KIND, WALL_PROMPT)}
    return len(store.latest_each(room.ANSWER_KIND, WALL_PROMPT)), texts


async def answer_the_room(page, wall, base: str, journey: Journey, who: str, store: Store) -> None:
    journey.tti["Answer the room's questions"] = await open_ready(page, f"{base}voila/render/answer-the-room.ipynb")
    box = page.locator(".smlkit-question textarea")
    marker = f"room-bench answer {who}."
    await box.fill(marker)
    await box.blur()
    await page.locator(".smlkit-button-send").click()
    # Saved: the answer is in the store. Then: the facilitator's wall counts at least as many answers.
    while True:
        count, texts = await asyncio.to_thread(_answers_now, store)
        if any(marker in t for t in texts):
            break
        await asyncio.sleep(0.01)
    saved = time.perf_counter()
    journey.answers.append(marker)
    await wall.wait_for_function(WALL_COUNT, arg=count, polling=20, timeout=60_000)
    journey.wall_latency.append(time.perf_counter() - saved)


def _agreement_found(store: Store, marker: str) -> bool:
    return any(
        marker in str(r.data.get("agreement", {}).get("sections", {}).get("now", ""))
        for r in store.all_of(agreement_records.KIND)
    )


async def agreement(page, base: str, journey: Journey, who: str) -> None:
    journey.tti["My learning agreement"] = await open_ready(page, f"{base}voila/render/my-learning-agreement.ipynb")
    marker = f"room-bench agreement {who}"
    now = page.locator(".smlkit-field-section-now textarea")
    await now.fill(marker)
    await now.blur()
    await page.get_by_role("button", name="Save this version").click()
    await page.locator(".smlkit-page-status", has_text="Saved").wait_for(timeout=120_000)
    journey.agreements.append(marker)


async def participant(browser, wall, base: str, who: str, delay: float, store: Store) -> Journey:
    await asyncio.sleep(delay)
    journey = Journey()
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await where_now(page, base, journey, who, store)
        await answer_the_room(page, wall, base, journey, who, store)
        await agreement(page, base, journey, who)
    except Exception as exc:  # noqa: BLE001 - a bench reports failures, it does not stop on them
        journey.errors.append(f"participant {who}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        try:
            await page.screenshot(path=f"{tempfile.gettempdir()}/smlkit-room-failed-{who}.png", full_page=True)
        except Exception:  # noqa: BLE001
            pass
    finally:
        await context.close()
    return journey


async def open_wall(browser, base: str):
    """The facilitator's wall, signed in, on the projector for the whole run."""
    context = await browser.new_context()
    wall = await context.new_page()
    await wall.goto(base + "smlkit/key")
    await wall.get_by_label("Facilitator key").fill("bench-room-key")
    await wall.get_by_role("button", name="Sign in").click()
    await wall.wait_for_url(base)
    await open_ready(wall, base + "voila/render/workshop-wall.ipynb")
    return context, wall


async def run_room(label: str, base: str, count: int, arrival: float, seed: int, store: Store) -> list[Journey]:
    rng = random.Random(seed)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS)
        delays = sorted(rng.uniform(0, arrival) for _ in range(count))
        wall_context, wall = await open_wall(browser, base)
        journeys = await asyncio.gather(
            *(participant(browser, wall, base, f"{label}-{i}", d, store) for i, d in enumerate(delays))
        )
        await wall_context.close()
        await browser.close()
    return list(journeys)


# -- the same journey without a browser (--client protocol) ---------------------------------------


async def _saved_in_store(check, *args) -> None:
    deadline = time.monotonic() + 120
    while not await asyncio.to_thread(check, *args):
        if time.monotonic() > deadline:
            raise PageError("the save never reached the store")
        await asyncio.sleep(0.02)


async def proto_where_now(jar: Jar, base: str, journey: Journey, who: str, store: Store) -> None:
    page = WidgetPage(base, jar)
    try:
        journey.tti["Where are you now?"] = await page.open("where-are-you-now.ipynb")
        steering = page.find(name="RadioButtonsModel", _options_labels=lambda o: bool(o) and "4 – Most of it" in o)
        page.set_value(steering, index=page.state(steering)["_options_labels"].index("4 – Most of it"))
        learning = page.find(within=page.find(css="smlkit-field-where-now-learning"), name="TextareaModel")
        save = page.find(css="smlkit-button-save")
        for attempt in range(2):  # two saves each: the second is a new version
            marker = f"room-bench participant {who} save {attempt}"
            page.set_value(learning, value=marker)
            clicked = time.perf_counter()
            page.click(save)
            await _saved_in_store(_stored, store, marker)
            journey.save_latency.append(time.perf_counter() - clicked)
            journey.markers.append(marker)
            await asyncio.sleep(0.5)
    finally:
        await page.close()


async def proto_answer_the_room(
    jar: Jar, wall: WidgetPage, base: str, journey: Journey, who: str, store: Store
) -> None:
    page = WidgetPage(base, jar)
    try:
        journey.tti["Answer the room's questions"] = await page.open("answer-the-room.ipynb")
        marker = f"room-bench answer {who}."
        await page.wait_for(lambda: _has(page, css="smlkit-question", name="TextareaModel"))
        page.set_value(page.find(within=page.find(css="smlkit-question"), name="TextareaModel"), value=marker)
        page.click(page.find(css="smlkit-button-send"))
        while True:
            count, texts = await asyncio.to_thread(_answers_now, store)
            if any(marker in t for t in texts):
                break
            await asyncio.sleep(0.01)
        saved = time.perf_counter()
        journey.answers.append(marker)
        await wall.wait_for(lambda: max(map(int, COUNT.findall(wall.text())), default=-1) >= count, 60)
        journey.wall_latency.append(time.perf_counter() - saved)
    finally:
        await page.close()


def _has(page: WidgetPage, css: str, name: str) -> bool:
    try:
        page.find(within=page.find(css=css), name=name)
    except PageError:
        return False
    return True


async def proto_agreement(jar: Jar, base: str, journey: Journey, who: str, store: Store) -> None:
    page = WidgetPage(base, jar)
    try:
        journey.tti["My learning agreement"] = await page.open("my-learning-agreement.ipynb")
        marker = f"room-bench agreement {who}"
        now = page.find(within=page.find(css="smlkit-field-section-now"), name="TextareaModel")
        page.set_value(now, value=marker)
        page.click(page.find(css="smlkit-button-save", description="Save this version"))
        await _saved_in_store(_agreement_found, store, marker)
        journey.agreements.append(marker)
    finally:
        await page.close()


async def proto_participant(wall: WidgetPage, base: str, who: str, delay: float, store: Store) -> Journey:
    await asyncio.sleep(delay)
    journey, jar = Journey(), Jar()
    try:
        await proto_where_now(jar, base, journey, who, store)
        await proto_answer_the_room(jar, wall, base, journey, who, store)
        await proto_agreement(jar, base, journey, who, store)
    except Exception as exc:  # noqa: BLE001 - a bench reports failures, it does not stop on them
        journey.errors.append(
            f"participant {who}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
    return journey


async def proto_wall(base: str) -> WidgetPage:
    """The facilitator signs in with the key and opens the wall, over HTTP and the widget protocol."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest

    jar = Jar()
    client = AsyncHTTPClient()
    jar.take((await client.fetch(base + "smlkit/key")).headers)
    body = f"key=bench-room-key&next=/&_xsrf={jar.cookies['_xsrf']}"
    response = await client.fetch(
        HTTPRequest(
            base + "smlkit/key", method="POST", body=body, headers={"Cookie": jar.header()}, follow_redirects=False
        ),
        raise_error=False,
    )
    jar.take(response.headers)
    wall = WidgetPage(base, jar)
    await wall.open("workshop-wall.ipynb")
    return wall


async def proto_room(label: str, base: str, count: int, arrival: float, seed: int, store: Store) -> list[Journey]:
    rng = random.Random(seed)
    delays = sorted(rng.uniform(0, arrival) for _ in range(count))
    wall = await proto_wall(base)
    try:
        journeys = await asyncio.gather(
            *(proto_participant(wall, base, f"{label}-{i}", d, store) for i, d in enumerate(delays))
        )
    finally:
        await wall.close()
    return list(journeys)


def start_server(tmp: Path) -> tuple[subprocess.Popen, str, str]:
    port = free_port()
    db_url = f"sqlite:///{tmp / 'room.sqlite'}"
    # Every kernel pool full before anyone arrives, as on a training day.
    pools = {
        nb
        for nb, cfg in voila_config(content.course())["VoilaKernelManager"]["kernel_pools_config"].items()
        if nb != "default" and cfg["pool_size"] > 0
    }
    server = launch(
        [
            *(sys.executable, "-m", "smlkit.cli", "workshop"),
            *("--port", str(port), "--db", db_url, "--facilitator-key", "bench-room-key"),
        ],
        url=f"http://127.0.0.1:{port}/",
        log_path=tmp / "server.log",
        env={**os.environ, "SMLKIT_HOME": str(tmp)},  # SMLKIT_PREHEAT passes through for tuning
        ready=lambda log: pools <= set(re.findall(r"Kernel pool of (\S+) is filled", log)),
        timeout=900,
        name="the workshop server",
    )
    return server.process, server.url, db_url


CLIENTS = {
    "protocol": "clients speaking HTTP and the widget protocol, no browser",
    "browser": "Playwright contexts in one headless Chromium",
}


def summarise(label: str, journeys: list[Journey]) -> dict[str, float]:
    ttis: dict[str, list[float]] = {}
    for j in journeys:
        for name, value in j.tti.items():
            ttis.setdefault(name, []).append(value)
    out = {}
    for name, values in ttis.items():
        out[f"tti median {name}"] = statistics.median(values)
        out[f"tti p95 {name}"] = pct(values, 0.95)
    latencies = [x for j in journeys for x in j.save_latency]
    out["save-to-store p95"] = pct(latencies, 0.95)
    out["save-to-wall p95"] = pct([x for j in journeys for x in j.wall_latency], 0.95)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--arrival", type=float, default=30.0, help="seconds over which people arrive")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--client", choices=("protocol", "browser"), default="protocol", help="see the module's help")
    parser.add_argument("--singles", type=int, default=3, help="single-participant journeys for the baseline")
    parser.add_argument(
        "--pool",
        type=int,
        default=None,
        help="kernels warmed per page of the journey (default: participants + singles + 1; 0: the plan's pools)",
    )
    parser.add_argument("--refill-delay", type=float, default=240.0, help="seconds before a pool replaces a kernel")
    opts = parser.parse_args()
    run = proto_room if opts.client == "protocol" else run_room
    pool = opts.participants + opts.singles + 1 if opts.pool is None else opts.pool
    if pool and "SMLKIT_PREHEAT" not in os.environ:
        # The room's sizing (deploy/README.md): warm the pages everyone opens together, refill after the rush.
        os.environ["SMLKIT_PREHEAT"] = ",".join(f"{d}={pool}" for d in JOURNEY)
        os.environ.setdefault("SMLKIT_REFILL_DELAY", str(opts.refill_delay))
    print(
        f"pools: SMLKIT_PREHEAT={os.environ.get('SMLKIT_PREHEAT', '(course plan)')} "
        f"SMLKIT_REFILL_DELAY={os.environ.get('SMLKIT_REFILL_DELAY', '(at once)')}"
    )

    tmp = Path(tempfile.mkdtemp(prefix="smlkit-room-"))
    proc, base, db_url = start_server(tmp)
    store = Store(db_url)
    state, _ = room.room_state(store)
    room.save_room_state(store, state.open_prompts([WALL_PROMPT]).reveal(WALL_PROMPT))
    try:
        single = []
        with MemoryWatch(proc.pid) as single_mem:
            for n in range(opts.singles):  # one person alone, a few times: the baseline's own spread
                single += asyncio.run(run(f"single{n}", base, 1, 0, opts.seed, store))
        time.sleep(5)  # let the kernel pool refill before the room arrives
        with MemoryWatch(proc.pid) as room_mem:
            room_journeys = asyncio.run(run("room", base, opts.participants, opts.arrival, opts.seed, store))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    a, b = summarise("single", single), summarise("room", room_journeys)
    print(
        f"\nA room of {opts.participants} arriving within {opts.arrival:.0f} s vs one participant alone "
        f"({CLIENTS[opts.client]}; same server, same run)\n"
    )
    print(f"{'measure':45} {'single':>9} {'room':>9} {'ratio':>7}")
    for key in b:
        ratio = b[key] / a[key] if a.get(key) else float("nan")
        print(f"{key:45} {a.get(key, float('nan')):9.2f} {b[key]:9.2f} {ratio:6.2f}x")
    mb = 1024 * 1024
    kernel_peaks = sorted(room_mem.kernel_peak.values())
    print(
        f"{'peak memory per kernel, max (MB)':45} {max(single_mem.kernel_peak.values(), default=0) / mb:9.0f} "
        f"{(kernel_peaks[-1] if kernel_peaks else 0) / mb:9.0f}"
    )
    print(
        f"{'peak memory per kernel, median (MB)':45} {'':9} "
        f"{statistics.median(kernel_peaks) / mb if kernel_peaks else 0:9.0f}"
    )
    print(
        f"{'peak memory in total, server + kernels (MB)':45} {single_mem.total_peak / mb:9.0f} "
        f"{room_mem.total_peak / mb:9.0f}"
    )
    print(f"{'kernels seen':45} {len(single_mem.kernel_peak):9d} {len(room_mem.kernel_peak):9d}")

    made = [m for j in room_journeys for m in j.markers]
    found = [r.data["answers"].get("where-now-learning") for r in store.all_of(WHERE_KIND, WHERE_KEY)]
    lost = [m for m in made if m not in found]
    dupes = [m for m in set(made) if found.count(m) > 1]
    print(
        f"\nsaves made {len(made)}, found in store {sum(1 for m in made if m in found)}, lost {len(lost)}, "
        f"duplicated {len(dupes)}"
    )
    answers = [m for j in room_journeys for m in j.answers]
    texts = [str(r.data.get("value")) for r in store.all_of(room.ANSWER_KIND, WALL_PROMPT)]
    print(
        f"wall answers made {len(answers)}, found {sum(1 for m in answers if any(m in t for t in texts))}, "
        f"duplicated {sum(1 for m in answers if sum(m in t for t in texts) > 1)}"
    )
    agreements = [m for j in room_journeys for m in j.agreements]
    print(
        f"agreement versions made {len(agreements)}, found {sum(1 for m in agreements if _agreement_found(store, m))}"
    )
    errors = [e for j in room_journeys for e in j.errors]
    if errors:
        print(f"{len(errors)} participant(s) hit errors:")
        for e in errors[:10]:
            print("  " + e)


if __name__ == "__main__":
    main()
