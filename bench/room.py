"""A training room on one machine, with the settings ``make workshop`` gives: people arrive together.

Scenarios, each on a server of its own started as ``make workshop`` starts it (no ``SMLKIT_PREHEAT``,
the default room of 30 unless ``--room``), with its rehearsal clock (``SMLKIT_CLOCK``) a minute before
the session, and measured once the server has printed "Ready" (as a facilitator would wait for it):

* **realistic arrival** (``--sessions``, default 09:00, 09:25 and 10:05): the room opens the page
  of the session running then within ``--arrival`` seconds and saves: at 09:00 the start-of-day
  evaluation then "Where are you now?" (the session's two pages, in order), at 09:25 "Answer the
  room's questions" (an answer the facilitator's wall must count), at 10:05 "My learning agreement";
  A person spends ``--think`` seconds (on average) on a page before opening the session's next one;
* **the compressed journey** (``--journey``, on by default): each person goes through "Where are
  you now?", "Answer the room's questions" and "My learning agreement" straight after each other,
  three sessions' pages within minutes (the clock at the first session).

Baseline: ``--singles`` people alone (each after the one before has finished), on the same server in
the same run, before the room. Ratios are room / one person for the median and the 95th percentile
of time to interactive, per page. ``--hand-pools N`` sets every page of the scenario's pool to N
kernels by hand (``SMLKIT_PREHEAT``) instead of the workshop's own sizing: for comparison only.

    python bench/room.py [--participants 30] [--arrival 60] [--room N] [--client protocol|browser]

Prints a table per scenario (with each page's five slowest room times and each single's), memory,
what the server logged about its event loop while the room arrived (it runs with ``SMLKIT_STALL_MS``:
holds over 100 ms, garbage collections over 25 ms) and how late the protocol client's own loop ran,
saves made vs found, and a last line of JSON:
{"room", "arrival_s", "pools", "p95_ratio_max", "median_ratio_max", "save_to_wall_p95_s", "lost",
"duplicated", "kernel_mb_median", "held_mb", ...}. Targets (issue 17): realistic arrival p95 <= 2x one
person, the journey <= 3x, save-to-wall p95 < 1 s, kernel median <= 60 MB, held <= 2.5 GB, nothing
lost or duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from room_people import (
    FACILITATOR_KEY,
    LATE,
    THINK,
    WALL_PROMPT,
    Journey,
    MemoryWatch,
    _agreement_found,
    _evaluation_found,
    pct,
    proto_room,
    run_room,
)

from smlkit.course.records import REFLECTION_KEY as WHERE_KEY
from smlkit.course.records import REFLECTION_KIND as WHERE_KIND
from smlkit.serve import stalls
from smlkit.storage.store import Store
from smlkit.wall import records as room
from tests.support.servers import Server, free_port, launch

SESSION_PAGES = {
    "09:00": ("evaluation-start", "where-now"),
    "09:25": ("answer-the-room",),
    "10:05": ("my-learning-agreement",),
}
JOURNEY = ("where-now", "answer-the-room", "my-learning-agreement")
READY = re.compile(r"^(Ready for a room of \d+.*|Kernel pools set by hand.*)$", re.M)
MB = 1024 * 1024
#: The server logs its event loop held longer than this (ms), and collections over a quarter of it.
STALL_MS = 100


@dataclass
class Result:
    name: str
    steps: tuple[str, ...]
    single: list[Journey]
    room: list[Journey]
    ready_s: float
    ready_line: str
    kernel_rss: list[int] = field(default_factory=list)
    total_peak: int = 0
    held: Held = field(default_factory=lambda: Held())
    #: What the server logged while the room arrived: loops held over STALL_MS, and each collection's ms.
    stalls: Stalls = field(default_factory=lambda: Stalls())
    client_late: float = 0.0


@dataclass
class Stalls:
    held: int = 0
    collections_ms: list[int] = field(default_factory=list)


def stalls_in(log: str) -> Stalls:
    """The server's stall warnings (``smlkit.serve.stalls``) in a stretch of its log."""
    collections = re.findall(re.escape(stalls.COLLECTED) + r" \d+ took (\d+) ms", log)
    return Stalls(held=log.count(stalls.HELD), collections_ms=[int(ms) for ms in collections])


def earlier(clock: str, minutes: int) -> str:
    hours, mins = map(int, clock.split(":"))
    total = hours * 60 + mins - minutes
    return f"{total // 60:02d}:{total % 60:02d}"


def start_server(tmp: Path, clock: str, opts: argparse.Namespace, steps: tuple[str, ...]) -> tuple[Server, float, str]:
    """``smlkit workshop`` as ``make workshop`` runs it, its clock a minute before ``clock``; waits for "Ready"."""
    port = free_port()
    env = {**os.environ, "SMLKIT_HOME": str(tmp), "SMLKIT_CLOCK": earlier(clock, 1), "PYTHONUNBUFFERED": "1"}
    env.pop("SMLKIT_PREHEAT", None)
    env.pop("SMLKIT_ROOM", None)
    env["SMLKIT_STALL_MS"] = str(STALL_MS)  # the server names what holds its event loop (smlkit.serve.stalls)
    if opts.hand_pools is not None:
        env["SMLKIT_PREHEAT"] = ",".join(f"{step}={opts.hand_pools}" for step in dict.fromkeys(steps))
    command = [sys.executable, "-m", "smlkit.cli", "workshop", "--port", str(port)]
    command += ["--db", f"sqlite:///{tmp / 'room.sqlite'}", "--facilitator-key", FACILITATOR_KEY]
    if opts.room is not None:
        command += ["--room", str(opts.room)]
    began = time.monotonic()
    server = launch(
        command,
        url=f"http://127.0.0.1:{port}/",
        log_path=tmp / "server.log",
        env=env,
        ready=lambda log: READY.search(log) is not None,
        timeout=900,
        name="the workshop server",
    )
    found = READY.search(server.log())
    return server, time.monotonic() - began, found.group(1) if found else ""


def kernels_of(server_pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for proc in children:
        try:
            if "ipykernel" in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def settle(server_pid: int, quiet: float = 30.0, limit: float = 300.0) -> None:
    """Wait until the server's kernels have stopped changing (the pools have caught up with the plan)."""
    deadline = time.monotonic() + limit
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = tuple(sorted(p.pid for p in kernels_of(server_pid)))
        cpu = psutil.cpu_percent(interval=1.0)
        if now != last or cpu > 25:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


@dataclass
class Held:
    """What the server holds when the room is idle: its memory and its kernels'."""

    pss: int = 0  # the machine's memory in use (shared pages counted once, in shares)
    rss: int = 0  # resident sizes added up (shared pages counted in every process)
    kernels: int = 0
    kernel_uss: list[int] = field(default_factory=list)  # memory only that kernel uses: one more person's cost
    kernel_pss: list[int] = field(default_factory=list)


def held_memory(server_pid: int) -> Held:
    held = Held()
    kernels = kernels_of(server_pid)
    held.kernels = len(kernels)
    for proc in [psutil.Process(server_pid), *kernels]:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        held.pss += info.pss
        held.rss += info.rss
        if proc.pid != server_pid:
            held.kernel_uss.append(info.uss)
            held.kernel_pss.append(info.pss)
    return held


def run_scenario(name: str, clock: str, steps: tuple[str, ...], opts: argparse.Namespace) -> Result:
    tmp = Path(tempfile.mkdtemp(prefix="smlkit-room-"))
    server, ready_s, ready_line = start_server(tmp, clock, opts, steps)
    print(f"  [{name}] server ready after {ready_s:.0f} s: {ready_line}", flush=True)
    store = Store(server_db(tmp))
    state, _ = room.room_state(store)
    room.save_room_state(store, state.open_prompts([WALL_PROMPT]).reveal(WALL_PROMPT))
    run = proto_room if opts.client == "protocol" else run_room
    try:
        single: list[Journey] = []
        for n in range(opts.singles):  # one person alone, a few times: the baseline's own spread
            single += asyncio.run(run(f"{name}-single{n}", server.url, 1, 0, opts.seed, store, steps))
        logged, LATE[0] = len(server.log()), float("nan")  # the protocol client measures its own lateness
        with MemoryWatch(server.process.pid) as watch:
            crowd = asyncio.run(
                run(f"{name}-room", server.url, opts.participants, opts.arrival, opts.seed, store, steps)
            )
        result_stalls = stalls_in(server.log()[logged:])
        client_late = LATE[0]
        settle(server.process.pid)  # idle between sessions: what the server holds for the next one
        held = held_memory(server.process.pid)
    finally:
        server.stop()
    result = Result(name, steps, single, crowd, ready_s, ready_line)
    result.kernel_rss = sorted(watch.kernel_peak.values())
    result.total_peak, result.held = watch.total_peak, held
    result.stalls, result.client_late = result_stalls, client_late
    result_checks(result, store)
    return result


def server_db(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'room.sqlite'}"


@dataclass
class Checks:
    made: int = 0
    found: int = 0
    duplicated: int = 0
    errors: list[str] = field(default_factory=list)


CHECKS: dict[str, Checks] = {}


def result_checks(result: Result, store: Store) -> None:
    """Every save the room made is in the store once."""
    checks = CHECKS.setdefault(result.name, Checks())
    journeys = result.room
    where = [r.data["answers"].get("where-now-learning") for r in store.all_of(WHERE_KIND, WHERE_KEY)]
    for marker in (m for j in journeys for m in j.markers):
        checks.made += 1
        checks.found += marker in where
        checks.duplicated += where.count(marker) > 1
    texts = [str(r.data.get("value")) for r in store.all_of(room.ANSWER_KIND, WALL_PROMPT)]
    for marker in (m for j in journeys for m in j.answers):
        checks.made += 1
        hits = sum(marker in t for t in texts)
        checks.found += hits > 0
        checks.duplicated += hits > 1
    for marker in (m for j in journeys for m in j.agreements):
        checks.made += 1
        checks.found += _agreement_found(store, marker)
    for marker in (m for j in journeys for m in j.evaluations):
        checks.made += 1
        checks.found += _evaluation_found(store, marker)
    checks.errors += [e for j in journeys for e in j.errors]


def ttis(journeys: list[Journey]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for journey in journeys:
        for page, value in journey.tti.items():
            found.setdefault(page, []).append(value)
    return found


def report(result: Result) -> dict[str, float]:
    """Print the scenario's table; return its worst ratios and its save-to-wall p95."""
    one, crowd = ttis(result.single), ttis(result.room)
    print(f"\n{result.name}: {len(result.room)} people within {ARRIVAL[0]:.0f} s vs one person alone\n")
    print(f"{'page':38} {'one: median':>11} {'p95':>6} {'room: median':>12} {'p95':>6} {'ratio med':>9} {'p95':>6}")
    worst = {"p95": 0.0, "median": 0.0, "later_p95": 0.0}
    for number, (page, values) in enumerate(crowd.items()):
        base = one.get(page, [float("nan")])
        med_ratio = statistics.median(values) / statistics.median(base)
        p95_ratio = pct(values, 0.95) / pct(base, 0.95)
        if number == 0 or result.name.startswith("compressed"):  # the page the session's link opens
            worst["p95"], worst["median"] = max(worst["p95"], p95_ratio), max(worst["median"], med_ratio)
        else:  # a later page of the same session
            worst["later_p95"] = max(worst["later_p95"], p95_ratio)
        print(
            f"{page:38} {statistics.median(base):11.2f} {pct(base, 0.95):6.2f} {statistics.median(values):12.2f} "
            f"{pct(values, 0.95):6.2f} {med_ratio:8.2f}x {p95_ratio:5.2f}x"
        )
    for page, values in crowd.items():  # the spread behind a p95: the room's slowest pages
        slowest = ", ".join(f"{v:.2f}" for v in sorted(values)[-5:])
        alone = ", ".join(f"{v:.2f}" for v in one.get(page, []))
        print(f"{'':4}{page}: the room's five slowest {slowest} s; one person {alone} s")
    wall_one = [x for j in result.single for x in j.wall_latency]
    wall = [x for j in result.room for x in j.wall_latency]
    if wall:
        print(f"{'save-to-wall p95 (s)':38} {pct(wall_one, 0.95):11.2f} {'':6} {pct(wall, 0.95):12.2f}")
    saves = [x for j in result.room for x in j.save_latency]
    if saves:
        print(f"{'save-to-store p95 (s)':38} {'':11} {'':6} {pct(saves, 0.95):12.2f}")
    rss, held = result.kernel_rss, result.held
    print(
        f"memory per kernel (median): unique {mb(held.kernel_uss)} MB, proportional {mb(held.kernel_pss)} MB, "
        f"resident peak {mb(rss)} MB (max {(rss[-1] if rss else 0) / MB:.0f}); resident peak in total "
        f"{result.total_peak / MB:.0f} MB\nheld when idle after the room: {held.pss / MB:.0f} MB in use "
        f"(proportional; {held.rss / MB:.0f} MB resident added up), {held.kernels} kernels; "
        f"server ready after {result.ready_s:.0f} s"
    )
    found = result.stalls
    longest = max(found.collections_ms, default=0)
    late = result.client_late
    print(
        f"while the room arrived: the server's event loop held over {STALL_MS} ms {found.held} time(s); "
        f"{len(found.collections_ms)} garbage collection(s) over {STALL_MS // 4} ms (longest {longest} ms)"
        + ("" if math.isnan(late) else f"; the bench's own loop late by at most {late * 1000:.0f} ms")
    )
    checks = CHECKS[result.name]
    print(f"saves made {checks.made}, found {checks.found}, duplicated {checks.duplicated}")
    for error in checks.errors[:10]:
        print("  " + error)
    worst["wall"] = pct(wall, 0.95) if wall else float("nan")
    return worst


ARRIVAL = [60.0]


def mb(values: list[int]) -> str:
    return f"{statistics.median(values) / MB:.0f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--arrival", type=float, default=60.0, help="seconds over which people arrive")
    parser.add_argument("--room", type=int, default=None, help="pass --room N to the server (default: not passed)")
    parser.add_argument("--sessions", default="09:00,09:25,10:05", help="realistic arrivals at these times ('' none)")
    parser.add_argument("--journey", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--think", type=float, default=30.0, help="seconds on a page before the session's next")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--client", choices=("protocol", "browser"), default="protocol")
    parser.add_argument("--singles", type=int, default=2, help="one-person runs for the baseline")
    parser.add_argument("--hand-pools", type=int, default=None, help="set the pools by hand (SMLKIT_PREHEAT)")
    opts = parser.parse_args()
    ARRIVAL[0] = opts.arrival
    pools = "default" if opts.hand_pools is None else f"hand-set {opts.hand_pools} per page"
    print(f"pools: {pools}; room option: {opts.room or '(not given: the default)'}; client: {opts.client}")

    scenarios = [(f"session at {at}", at, SESSION_PAGES[at]) for at in filter(None, opts.sessions.split(","))]
    THINK[0] = opts.think
    results = [run_scenario(name, at, steps, opts) for name, at, steps in scenarios]
    THINK[0] = 0.0  # compressed: each page straight after the one before
    journey = run_scenario("compressed journey", "09:00", JOURNEY, opts) if opts.journey else None

    worst = [report(r) for r in results]
    journey_worst = report(journey) if journey else {}
    everything = [*results, *([journey] if journey else [])]
    walls = [w["wall"] for w in [*worst, journey_worst] if w and w.get("wall") == w.get("wall")]
    uss = [u for r in everything for u in r.held.kernel_uss]
    pss = [u for r in everything for u in r.held.kernel_pss]
    summary = {
        "room": opts.participants,
        "arrival_s": opts.arrival,
        "pools": pools if opts.room is None else f"{pools}, --room {opts.room}",
        "p95_ratio_max": round(max((w["p95"] for w in worst), default=float("nan")), 2),
        "median_ratio_max": round(max((w["median"] for w in worst), default=float("nan")), 2),
        "second_page_p95_ratio": round(max((w["later_p95"] for w in worst), default=float("nan")), 2),
        "journey_p95_ratio_max": round(journey_worst.get("p95", float("nan")), 2),
        "save_to_wall_p95_s": round(max(walls, default=float("nan")), 2),
        "lost": sum(CHECKS[r.name].made - CHECKS[r.name].found for r in everything),
        "duplicated": sum(CHECKS[r.name].duplicated for r in everything),
        "kernel_mb_median": round(statistics.median(uss) / MB) if uss else None,
        "kernel_pss_mb_median": round(statistics.median(pss) / MB) if pss else None,
        "kernel_rss_mb_median": round(statistics.median([k for r in everything for k in r.kernel_rss]) / MB),
        "held_mb": round(max(r.held.pss for r in everything) / MB),
        "held_rss_mb": round(max(r.held.rss for r in everything) / MB),
        "ready_s_max": round(max(r.ready_s for r in everything)),
        "errors": sum(len(CHECKS[r.name].errors) for r in everything),
    }
    print(json.dumps({k: None if isinstance(v, float) and v != v else v for k, v in summary.items()}))


if __name__ == "__main__":
    main()
