"""Kernels forked from the warm fork server (smlkit.serve.forking) behave as kernels started afresh.

A real fork server and real kernels through jupyter_client: each kernel runs code, has the
environment and folder it was asked for (not the fork server's), answers the widget control
channel a page asks every widget's state on, draws its own random numbers, shows its kernel
command line, and ends when the fork server does. A fork server that is not there, or refuses,
leaves kernels to start the usual way.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.factory import KernelProvisionerFactory

from smlkit.content.paths import notebooks_dir
from smlkit.serve import forking
from smlkit.serve.server import _check_content

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server runs on Linux")


def run(coroutine):
    """Its own event loop, in a thread (a browser test's loop may be running on this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=240)


@pytest.fixture
def fork_server():
    client = forking.ForkClient()
    client.start(notebooks_dir())
    factory = KernelProvisionerFactory.instance()
    before = factory.default_provisioner_name
    factory.default_provisioner_name = forking.PROVISIONER
    saved, forking.CLIENT = forking.CLIENT, client
    try:
        yield client
    finally:
        forking.CLIENT = saved
        factory.default_provisioner_name = before
        client.stop()


async def _ask(km: AsyncKernelManager, code: str, timeout: float = 60) -> str:
    """Run ``code`` in the kernel; what it printed."""
    client = km.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=timeout)
        out: list[str] = []
        reply = await client.execute_interactive(
            code,
            timeout=timeout,
            output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None,
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(out)
    finally:
        client.stop_channels()


async def _start(folder: Path, **env: str) -> AsyncKernelManager:
    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel(cwd=str(folder), env={**os.environ, **env})
    return km


def test_a_forked_kernel_is_a_kernel_of_its_own(fork_server, tmp_path):
    async def scenario():
        one = await _start(tmp_path, SMLKIT_FORK_TEST="asked for")
        two = await _start(tmp_path)
        try:
            await _ask(one, "pass")  # both ready: each child has named itself by now
            await _ask(two, "pass")
            server = psutil.Process(fork_server.process.pid)
            for km in (one, two):
                assert isinstance(km.provisioner, forking.ForkingProvisioner)
                kernel = psutil.Process(km.provisioner.pid)
                assert kernel.ppid() == server.pid, "the kernel was not forked by the fork server"
                shown = " ".join(kernel.cmdline())
                assert "ipykernel_launcher -f" in shown and km.connection_file in shown
            printed = await _ask(
                one,
                "import os, random, comm\n"
                "print(os.environ.get('SMLKIT_FORK_TEST'), os.getcwd(), sep='|')\n"
                "print(sorted(comm.get_comm_manager().targets))\n"
                "print(random.random())\n",
            )
            env_line, targets, number = printed.strip().splitlines()
            assert env_line == f"asked for|{tmp_path}"
            assert "jupyter.widget.control" in targets and "'jupyter.widget'" in targets
            other = await _ask(
                two, "import os, random\nprint(os.environ.get('SMLKIT_FORK_TEST'), random.random(), sep='\\n')"
            )
            other_env, other_number = other.strip().splitlines()
            assert other_env == "None"  # one kernel's environment is not the next one's
            assert other_number != number  # nor are its random numbers
        finally:
            await one.shutdown_kernel(now=True)
            await two.shutdown_kernel(now=True)
        assert not one.provisioner or await one.provisioner.poll() is not None

    run(scenario())


def test_a_forked_kernel_starts_with_what_a_kernel_imports_already_imported(fork_server, tmp_path):
    """What a kernel imports as it starts and builds a page (its debugger, psutil, the store's
    dialect...) is imported once in the fork server, not again in each kernel's own CPU time."""

    checked = ",".join(sorted(_check_content()))  # as the workshop server tells its kernels

    async def scenario():
        km = await _start(tmp_path, SMLKIT_CHECKED=checked)
        try:
            printed = await _ask(
                km,
                "import sys\n"
                "from smlkit.serve import forking\n"
                "from smlkit.ui.agreements.my_agreement import MyAgreement\n"
                "page = MyAgreement()\n"
                "print(len(forking.WARMED))\n"
                "print(' '.join(sorted(set(sys.modules) - forking.WARMED)))\n",
            )
        finally:
            await km.shutdown_kernel(now=True)
        warmed, imported = printed.strip().split("\n", 1) if "\n" in printed.strip() else (printed.strip(), "")
        assert int(warmed) > 500, "the kernel was not forked from the warm fork server"
        heavy = ("debugpy", "pydevd", "psutil", "sqlalchemy", "IPython.core.debugger", "matplotlib", "pandas", "docx")
        late = imported.split()
        assert not [name for name in late if name.startswith(heavy)], late
        assert len(late) <= 10, f"a forked kernel imported {len(late)} modules of its own: {late}"

    run(scenario())


def test_kernels_end_when_the_fork_server_does(fork_server, tmp_path):
    async def scenario():
        km = await _start(tmp_path)
        try:
            await _ask(km, "print(1)")
            kernel = psutil.Process(km.provisioner.pid)
            fork_server.process.send_signal(signal.SIGKILL)  # as if the workshop server's machine lost it
            fork_server.process.wait(timeout=10)
            psutil.wait_procs([kernel], timeout=20)
            assert not kernel.is_running(), "a kernel outlived its fork server"
            assert await km.is_alive() is False
        finally:
            await km.shutdown_kernel(now=True)

    run(scenario())


def test_without_the_fork_server_kernels_start_the_usual_way(fork_server, tmp_path):
    fork_server.stop()

    async def scenario():
        km = await _start(tmp_path)
        try:
            assert isinstance(km.provisioner, forking.ForkingProvisioner)
            assert isinstance(km.provisioner.process, subprocess.Popen)  # started afresh
            assert (await _ask(km, "print(6 * 7)")).strip() == "42"
        finally:
            await km.shutdown_kernel(now=True)

    run(scenario())


def _listening(fork_server) -> None:
    deadline = time.monotonic() + forking.WARMUP_DEADLINE_S + 30
    while not Path(fork_server.socket_path).exists():
        assert time.monotonic() < deadline, "the fork server never listened"
        time.sleep(0.1)


def test_a_request_whose_asker_gave_up_starts_no_kernel(fork_server, tmp_path):
    """The server hangs up past its deadline and starts that kernel itself: no second one is forked."""
    _listening(fork_server)
    server = psutil.Process(fork_server.process.pid)
    request = {"argv": ["-f", str(tmp_path / "kernel-gave-up.json")], "env": dict(os.environ), "cwd": str(tmp_path)}
    os.kill(server.pid, signal.SIGSTOP)  # the request waits in the socket, as on a machine too busy to answer
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(fork_server.socket_path)
            conn.sendall(json.dumps(request).encode() + b"\n")
    finally:
        os.kill(server.pid, signal.SIGCONT)
    time.sleep(2)
    assert server.children() == [], "a kernel was forked for an asker that had hung up"
    assert not (tmp_path / "kernel-gave-up.json").exists()

    async def scenario():  # and the next asker, who waits, gets its kernel
        km = await _start(tmp_path)
        try:
            assert isinstance(km.provisioner.process, forking.ForkedKernel)
            assert (await _ask(km, "print('answered')")).strip() == "answered"
        finally:
            await km.shutdown_kernel(now=True)

    run(scenario())


def test_the_fork_server_refuses_a_malformed_request_and_carries_on(fork_server, tmp_path):
    _listening(fork_server)
    for bad in (b"not json\n", b'{"argv": "x", "env": {}, "cwd": "/"}\n', b"[1, 2]\n", b"x" * 2_000_000):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(fork_server.socket_path)
            try:
                conn.sendall(bad)
                conn.shutdown(socket.SHUT_WR)
                answer = conn.recv(4096)
            except (BrokenPipeError, ConnectionResetError):
                answer = b'{"error": "closed"}'
            assert b'"error"' in answer and b'"pid"' not in answer, answer[:200]
    assert fork_server.running()

    async def scenario():
        km = await _start(tmp_path)
        try:
            assert isinstance(km.provisioner.process, forking.ForkedKernel)  # it still forks kernels
            assert (await _ask(km, "print('still here')")).strip() == "still here"
        finally:
            await km.shutdown_kernel(now=True)

    run(scenario())
