"""The simulated people of ``bench/room.py``: each opens the session's pages and saves, as a person would.

Two kinds (``--client``):

* ``protocol`` (the default): each participant is a cookie jar that fetches the page over HTTP
  and speaks the Jupyter widget protocol on the kernel's websocket, as Voila's page does
  (``tests/support/widget_client.py``). They cost almost nothing, so the run measures the server:
  Voila, the kernels and the store. Interactive = the dashboard's widgets are loaded and its root
  carries ``smlkit-ready`` (what the browser needs before anyone can type).
* ``browser``: real Playwright browser contexts in one headless Chromium. On this 2-core machine
  the pages' JavaScript takes CPU the server needs, which in a real room is spread over thirty
  laptops; use it to check a small room end to end.

Each page a person opens is a *step*: ``evaluation-start``, ``where-now``, ``answer-the-room``,
``my-learning-agreement`` (the dashboard ids of ``data/course.yaml``).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smlkit import library as content  # noqa: E402
from smlkit.agreements import records as agreement_records  # noqa: E402
from smlkit.course.records import EVALUATION_KIND  # noqa: E402
from smlkit.course.records import REFLECTION_KEY as WHERE_KEY  # noqa: E402
from smlkit.course.records import REFLECTION_KIND as WHERE_KIND  # noqa: E402
from smlkit.storage.store import Store  # noqa: E402
from smlkit.wall import records as room  # noqa: E402
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
FACILITATOR_KEY = "bench-room-key"
#: Seconds a person spends on a page before opening the session's next one (reading, typing), on
#: average; each person's own time is between half and one and a half times this. Set by room.py.
THINK = [0.0]


async def think(who: str, step: int) -> None:
    if THINK[0] > 0:
        await asyncio.sleep(random.Random(f"{who}-{step}").uniform(0.5, 1.5) * THINK[0])


def title(step: str) -> str:
    return content.course().dashboard(step).title


def notebook(step: str) -> str:
    return content.course().dashboard(step).notebook


@dataclass
class Journey:
    """What one participant experienced."""

    tti: dict[str, float] = field(default_factory=dict)
    save_latency: list[float] = field(default_factory=list)
    wall_latency: list[float] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    evaluations: list[str] = field(default_factory=list)
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


async def _saved_in_store(check, *args) -> None:
    deadline = time.monotonic() + 120
    while not await asyncio.to_thread(check, *args):
        if time.monotonic() > deadline:
            raise PageError("the save never reached the store")
        await asyncio.sleep(0.02)


async def open_ready(page, url: str) -> float:
    start = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=180_000)
    await page.wait_for_selector(".smlkit-ready", state="attached", timeout=180_000)
    return time.perf_counter() - start


async def where_now(page, base: str, journey: Journey, who: str, store: Store) -> None:
    journey.tti[title("where-now")] = await open_ready(page, f"{base}voila/render/where-are-you-now.ipynb")
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
COUNT = re.compile(r'smlkit-count-number">(\d+)<')
WALL_COUNT = "n => Number((document.querySelector('.smlkit-count-number') || {}).textContent || -1) >= n"


def _answers_now(store: Store) -> tuple[int, set[str]]:
    texts = {str(r.data.get("value")) for r in store.all_of(room.ANSWER_KIND, WALL_PROMPT)}
    return len(store.latest_each(room.ANSWER_KIND, WALL_PROMPT)), texts


async def answer_the_room(page, wall, base: str, journey: Journey, who: str, store: Store) -> None:
    journey.tti[title("answer-the-room")] = await open_ready(page, f"{base}voila/render/answer-the-room.ipynb")
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
    journey.tti[title("my-learning-agreement")] = await open_ready(
        page, f"{base}voila/render/my-learning-agreement.ipynb"
    )
    marker = f"room-bench agreement {who}"
    now = page.locator(".smlkit-field-section-now textarea")
    await now.fill(marker)
    await now.blur()
    await page.get_by_role("button", name="Save this version").click()
    await page.locator(".smlkit-page-status", has_text="Saved").wait_for(timeout=120_000)
    journey.agreements.append(marker)


async def evaluation(page, base: str, journey: Journey, who: str, store: Store) -> None:
    journey.tti[title("evaluation-start")] = await open_ready(
        page, f"{base}voila/render/{notebook('evaluation-start')}"
    )
    fields = page.locator(".smlkit-field", has=page.get_by_role("radio"))
    for number in range(await fields.count()):
        await fields.nth(number).get_by_role("radio").nth(2).check()
    marker = f"room-bench evaluation {who}"
    await page.get_by_role("textbox").first.fill(marker)
    await page.get_by_role("button", name="Save my answers").click()
    await page.locator(".smlkit-status", has_text="Saved at").wait_for(timeout=120_000)
    await _saved_in_store(_evaluation_found, store, marker)
    journey.evaluations.append(marker)


async def participant(browser, wall, base: str, who: str, delay: float, store: Store, steps: Sequence[str]) -> Journey:
    await asyncio.sleep(delay)
    journey = Journey()
    context = await browser.new_context()
    page = await context.new_page()
    try:
        for number, step in enumerate(steps):
            if number:
                await think(who, number)
            if step == "evaluation-start":
                await evaluation(page, base, journey, who, store)
            elif step == "where-now":
                await where_now(page, base, journey, who, store)
            elif step == "answer-the-room":
                await answer_the_room(page, wall, base, journey, who, store)
            else:
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
    await wall.get_by_label("Facilitator key").fill(FACILITATOR_KEY)
    await wall.get_by_role("button", name="Sign in").click()
    await wall.wait_for_url(base)
    await open_ready(wall, base + "voila/render/workshop-wall.ipynb")
    return context, wall


async def run_room(
    label: str, base: str, count: int, arrival: float, seed: int, store: Store, steps: Sequence[str]
) -> list[Journey]:
    rng = random.Random(seed)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS)
        delays = sorted(rng.uniform(0, arrival) for _ in range(count))
        wall_context, wall = await open_wall(browser, base)
        journeys = await asyncio.gather(
            *(participant(browser, wall, base, f"{label}-{i}", d, store, steps) for i, d in enumerate(delays))
        )
        await wall_context.close()
        await browser.close()
    return list(journeys)


# -- the same journey without a browser (--client protocol) ---------------------------------------


async def proto_where_now(jar: Jar, base: str, journey: Journey, who: str, store: Store) -> None:
    page = WidgetPage(base, jar)
    try:
        journey.tti[title("where-now")] = await page.open("where-are-you-now.ipynb")
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
        journey.tti[title("answer-the-room")] = await page.open("answer-the-room.ipynb")
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
        journey.tti[title("my-learning-agreement")] = await page.open("my-learning-agreement.ipynb")
        marker = f"room-bench agreement {who}"
        now = page.find(within=page.find(css="smlkit-field-section-now"), name="TextareaModel")
        page.set_value(now, value=marker)
        page.click(page.find(css="smlkit-button-save", description="Save this version"))
        await _saved_in_store(_agreement_found, store, marker)
        journey.agreements.append(marker)
    finally:
        await page.close()


def _evaluation_found(store: Store, marker: str) -> bool:
    return any(marker in str(r.data) for r in store.all_of(EVALUATION_KIND, "start"))


async def proto_evaluation(jar: Jar, base: str, journey: Journey, who: str, store: Store) -> None:
    page = WidgetPage(base, jar)
    try:
        journey.tti[title("evaluation-start")] = await page.open(notebook("evaluation-start"))
        for model in page.descendants():
            if page.state(model).get("_model_name") == "RadioButtonsModel":
                page.set_value(model, index=2)
        marker = f"room-bench evaluation {who}"
        box = next(m for m in page.descendants() if page.state(m).get("_model_name") in ("TextareaModel", "TextModel"))
        page.set_value(box, value=marker)
        page.click(page.find(css="smlkit-button-save"))
        await _saved_in_store(_evaluation_found, store, marker)
        journey.evaluations.append(marker)
    finally:
        await page.close()


async def proto_participant(
    wall: WidgetPage, base: str, who: str, delay: float, store: Store, steps: Sequence[str]
) -> Journey:
    await asyncio.sleep(delay)
    journey, jar = Journey(), Jar()
    try:
        for number, step in enumerate(steps):
            if number:
                await think(who, number)
            if step == "evaluation-start":
                await proto_evaluation(jar, base, journey, who, store)
            elif step == "where-now":
                await proto_where_now(jar, base, journey, who, store)
            elif step == "answer-the-room":
                await proto_answer_the_room(jar, wall, base, journey, who, store)
            else:
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
    body = f"key={FACILITATOR_KEY}&next=/&_xsrf={jar.cookies['_xsrf']}"
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


async def proto_room(
    label: str, base: str, count: int, arrival: float, seed: int, store: Store, steps: Sequence[str]
) -> list[Journey]:
    rng = random.Random(seed)
    delays = sorted(rng.uniform(0, arrival) for _ in range(count))
    wall = await proto_wall(base)
    LATE[0] = 0.0
    lag = asyncio.create_task(_watch_lag())
    try:
        journeys = await asyncio.gather(
            *(proto_participant(wall, base, f"{label}-{i}", d, store, steps) for i, d in enumerate(delays))
        )
    finally:
        lag.cancel()
        await wall.close()
    return list(journeys)


#: How late the protocol client's own event loop came round at worst during the last room (seconds):
#: the times it measures can be no more precise than this.
LATE = [0.0]


async def _watch_lag() -> None:
    while True:
        before = time.monotonic()
        await asyncio.sleep(0.005)
        LATE[0] = max(LATE[0], time.monotonic() - before - 0.005)
