"""Kernels forked from one warm process, instead of each starting Python afresh.

A workshop kernel spends most of its start importing: Python, IPython, ipykernel, ipywidgets and
the workbook's page modules, the same for every kernel. The *fork server* is one process, started
with the workshop server, that imports all of that once and then waits. Asked for a kernel, it
forks: the child already has every module in memory, so it only sets up its sockets and runs the
page. The children also share the imported modules' memory with the fork server (copy on write),
so each kernel holds less of its own.

Three parts:

* :func:`serve` (``python -m smlkit.serve.forking SOCKET NOTEBOOKS``): the fork server. It listens
  on a Unix socket in a folder only this user can open, takes one request at a time (the
  kernel's arguments, environment and folder), forks, and answers with the child's process id.
  It reaps its children, and when the workshop server has gone it ends them and itself.
* :class:`ForkClient`: the workshop server's side: starts the fork server, asks it for kernels
  (each request with a deadline) and stops it.
* :class:`ForkingProvisioner`: jupyter_client's kernel provisioner for the workshop's kernels
  (``smlkit-fork``). A kernel the fork server cannot start (it is still warming, it has died, or
  the kernel is not an ipykernel of this Python) starts the usual way instead, so a page never
  waits on the fork server for longer than its deadline.

A forked kernel is not the server's own child: :class:`ForkedKernel` stands in for the process
handle jupyter_client keeps (poll, wait, signals), working from the process id. ``SMLKIT_FORK_KERNELS=0``
turns forking off; under JupyterHub (one kernel at a time per server) it is not used.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import importlib
import json
import logging
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import setproctitle
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

log = logging.getLogger("smlkit.forking")

#: The name jupyter_client knows the provisioner by (an entry point in pyproject.toml).
PROVISIONER = "smlkit-fork"
#: What every workshop kernel imports before it runs a page (the pages' own modules are added
#: from the notebooks' import lines).
BASE_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.comm",
    "IPython.core.interactiveshell",
    "comm",
    "ipywidgets",
    "jupyter_client.session",
    # What a kernel otherwise imports as it starts: its debugger (debugpy, the largest), psutil,
    # IPython's completer and magics, the asyncio loop's tornado side, the store's SQLite dialect.
    "ipykernel.debugger",
    "IPython.core.debugger",
    "IPython.core.completerlib",
    "IPython.core.logger",
    "IPython.extensions.storemagic",
    "psutil",
    "tornado.platform.asyncio",
    "tornado.queues",
    "sqlalchemy.dialects.sqlite",
    "encodings.idna",
    "encodings.utf_8_sig",
    "IPython.core.oinspect",
    "faulthandler",
)
#: Longest a launch waits on the fork server before the kernel starts the usual way.
LAUNCH_DEADLINE_S = 10.0
#: Longest a launch waits for a fork server still warming up (its imports take a second or two;
#: on a loaded machine the kernel starts the usual way sooner than wait longer).
WARMUP_DEADLINE_S = 5.0
#: Longest a request may be, and longest the fork server waits for one to arrive whole.
MAX_REQUEST_BYTES = 1_000_000
READ_DEADLINE_S = 5.0
#: How often the fork server looks whether the workshop server is still there.
PARENT_CHECK_S = 1.0
#: Longest a forked kernel, shutting down, waits for its control thread to stop.
CONTROL_STOP_S = 5.0
#: The kernel command a fork can stand in for: this Python running ipykernel's launcher.
LAUNCHER = ("-m", "ipykernel_launcher")
#: The modules the fork server had imported when it began forking (each kernel starts with them).
WARMED: frozenset[str] = frozenset()
_IMPORT_LINE = re.compile(r"^\s*(?:from\s+(smlkit[\w.]*)\s+import|import\s+(smlkit[\w.]*))", re.MULTILINE)


def page_modules(notebooks: Path) -> list[str]:
    """The workbook modules the notebooks in ``notebooks`` import (from their code cells)."""
    found: list[str] = []
    for path in sorted(notebooks.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue  # the server refuses a broken notebook itself; nothing to warm here
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            for match in _IMPORT_LINE.finditer(text):
                name = match.group(1) or match.group(2)
                if name not in found:
                    found.append(name)
    return found


# --- the fork server (its own process) ---------------------------------------------------------


def _reap(children: set[int]) -> None:
    """Collect every child that has ended (so none is left a zombie). Bounded by the children there are."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)


def _read_request(conn: socket.socket) -> dict[str, Any]:
    conn.settimeout(READ_DEADLINE_S)
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST_BYTES:
            raise ValueError(f"a request longer than {MAX_REQUEST_BYTES} bytes")
    request = json.loads(data.decode("utf-8"))
    if not isinstance(request, dict):
        raise ValueError("a request is a JSON object")
    argv, env, cwd = request.get("argv"), request.get("env"), request.get("cwd")
    if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
        raise ValueError("argv must be a list of strings")
    if not (isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())):
        raise ValueError("env must map strings to strings")
    if not isinstance(cwd, str):
        raise ValueError("cwd must be a string")
    return request


def _asker_gone(conn: socket.socket) -> bool:
    """Whether the workshop server hung up before its answer (it gave up, past its deadline).

    It keeps the connection open until it has read its answer, so a closed one means it is starting
    that kernel the usual way: a fork now would be a second kernel on the same ports.
    """
    conn.setblocking(False)
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        conn.settimeout(READ_DEADLINE_S)


def _run_kernel(request: dict[str, Any], listener: socket.socket, conn: socket.socket) -> None:
    """In the forked child: become the kernel the request describes. Never returns."""
    code = 1
    try:
        listener.close()
        conn.close()
        # Seen from outside (ps, psutil) as the kernel it is, with its connection file, as a kernel
        # started the usual way is (first, so it is soon named so).
        setproctitle.setproctitle(" ".join([sys.executable, *LAUNCHER, *request["argv"]]))
        os.setsid()
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        random.seed()  # not the fork server's sequence, shared by every kernel
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        os.close(stdin)
        from ipykernel.kernelapp import IPKernelApp

        # The kernel ends if the fork server does (which ends when the workshop server does).
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *argv]
        try:
            app = IPKernelApp.instance()
            app.initialize(argv)  # type: ignore[no-untyped-call]
            _as_if_imported_in_the_kernel()
            app.start()  # type: ignore[no-untyped-call]
            code = 0
            # ipykernel's exit handler closes IOPub before it stops the control thread, which may
            # still be answering the shutdown request (its "idle" status then fails on a closed
            # socket and prints a traceback): stop the control thread first, within a deadline.
            control = getattr(app, "control_thread", None)
            if control is not None and control.is_alive():
                control.stop()
                control.join(timeout=CONTROL_STOP_S)
        except SystemExit as ended:
            code = ended.code if isinstance(ended.code, int) else (0 if ended.code is None else 1)
    except BaseException:  # noqa: BLE001  # a child must never return into the fork server's loop
        import traceback

        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _as_if_imported_in_the_kernel() -> None:
    """What modules imported ahead do at import when a kernel is running, done now it is.

    ipywidgets registers its comm targets (the widgets' own and the control channel a page asks
    for every widget's state on) only if it is imported inside a kernel; in the fork server there
    was none.
    """
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets._handle_ipython()


def serve(socket_path: str, notebooks: str) -> None:
    """The fork server's loop: warm up, then fork a kernel per request until the parent has gone."""
    global WARMED
    parent = os.getppid()
    # Run as ``python -m``, this module is __main__; a kernel importing it by name gets this one.
    sys.modules.setdefault("smlkit.serve.forking", sys.modules[__name__])
    # Claims the room for a child's title now, while the environment it borrows is intact (a child
    # replaces its environment before it names itself).
    setproctitle.setproctitle(setproctitle.getproctitle())
    for name in (*BASE_MODULES, *page_modules(Path(notebooks))):
        try:
            importlib.import_module(name)
        except Exception as failed:  # noqa: BLE001  # a page that cannot import fails in its own kernel, visibly
            print(f"smlkit fork server: could not import {name} in advance ({failed})", file=sys.stderr)
    if threading.active_count() > 1:  # forking a process with threads can deadlock its children
        print("smlkit fork server: an import started a thread; not forking", file=sys.stderr)
        return
    WARMED = frozenset(sys.modules)
    gc.collect()
    gc.freeze()  # what is imported stays shared with the children, not copied as the collector walks it
    children: set[int] = set()
    signal.signal(signal.SIGCHLD, lambda *_: _reap(children))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    listener.settimeout(PARENT_CHECK_S)
    try:
        while os.getppid() == parent:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                try:
                    request = _read_request(conn)
                except (OSError, ValueError) as refused:
                    _answer(conn, {"error": str(refused)[:200]})
                    continue
                if _asker_gone(conn):
                    continue
                pid = os.fork()
                if pid == 0:
                    _run_kernel(request, listener, conn)
                children.add(pid)
                _answer(conn, {"pid": pid})
    finally:
        listener.close()
        for pid in list(children):  # the workshop server has gone: its kernels go too
            try:
                os.killpg(pid, signal.SIGTERM)
            except OSError:
                pass


def _answer(conn: socket.socket, message: dict[str, Any]) -> None:
    try:
        conn.sendall(json.dumps(message).encode("utf-8") + b"\n")
    except OSError:
        pass  # the asker gave up (its deadline passed); the child, if any, is reaped when it ends


# --- the workshop server's side ------------------------------------------------------------------


class ForkedKernel:
    """Stands in for the ``Popen`` of a kernel the fork server started (it is not our child).

    Its exit code is not ours to read: an ended kernel reports 0. A process id is only reused
    after the fork server has collected the ended kernel, and once this has seen it end it says
    so for good.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["kernel"], timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkClient:
    """The workshop server's fork server: started once, asked for kernels, stopped at exit."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.socket_path = ""
        self.started = 0.0
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._stops_at_exit = False

    def start(self, notebooks: Path) -> None:
        """Start the fork server, unless it is running (it warms up in the background)."""
        if self.process is not None and self.process.poll() is None:
            return
        self.stop()
        self.started = time.monotonic()
        self._folder = tempfile.TemporaryDirectory(prefix="smlkit-fork-")  # mode 0700: this user only
        self.socket_path = str(Path(self._folder.name) / "fork.sock")
        self.process = subprocess.Popen(  # noqa: S603  # our own Python, our own module
            [sys.executable, "-m", "smlkit.serve.forking", self.socket_path, str(notebooks)],
            stdin=subprocess.DEVNULL,
        )
        if not self._stops_at_exit:  # once, however often it is restarted
            atexit.register(self.stop)
            self._stops_at_exit = True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def serves(self, cmd: list[str]) -> bool:
        """Whether a fork can stand in for ``cmd``: an ipykernel of this Python."""
        if len(cmd) < 3 or tuple(cmd[1:3]) != LAUNCHER:
            return False
        try:
            return Path(cmd[0]).resolve() == Path(sys.executable).resolve()
        except OSError:
            return False

    async def _warm(self) -> bool:
        """Whether the fork server is listening, waiting while it warms up (to its deadline)."""
        while self.running() and not Path(self.socket_path).exists():
            if time.monotonic() - self.started > WARMUP_DEADLINE_S:
                return False
            await asyncio.sleep(0.1)
        return self.running()

    async def launch(self, cmd: list[str], env: dict[str, str], cwd: str) -> int | None:
        """A forked kernel's process id; None if the fork server could not make one in time."""
        if not self.serves(cmd) or not await self._warm():
            return None
        request = json.dumps({"argv": cmd[3:], "env": env, "cwd": cwd}).encode("utf-8") + b"\n"
        try:
            return await asyncio.wait_for(self._ask(request), LAUNCH_DEADLINE_S)
        except (TimeoutError, OSError, ValueError) as failed:
            log.warning("The fork server did not start a kernel (%s); starting it the usual way", failed)
            return None

    async def _ask(self, request: bytes) -> int:
        reader, writer = await asyncio.open_unix_connection(self.socket_path, limit=65536)
        try:
            writer.write(request)
            await writer.drain()
            answer = json.loads(await reader.readline())
        finally:
            writer.close()
        if not isinstance(answer, dict) or not isinstance(answer.get("pid"), int):
            raise ValueError(f"the fork server answered {str(answer)[:200]}")
        return int(answer["pid"])


#: The one fork server of this workshop server (started by :func:`smlkit.serve.server.build_app`).
CLIENT = ForkClient()


class ForkingProvisioner(LocalProvisioner):
    """Starts a kernel by asking the fork server; the usual way when it cannot."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or Path.cwd())
        pid = await CLIENT.launch(cmd, env, cwd)
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]  # stands in for Popen (its methods used here)
        self.pid = pid
        self.pgid = pid  # the child leads its own session (os.setsid), as a usual kernel does
        self.cwd = cwd
        return self.connection_info


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
