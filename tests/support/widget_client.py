"""A participant without a browser: it speaks HTTP and the Jupyter widget protocol, as Voila's page does.

``bench/room.py --client protocol`` uses it so that thirty simulated people cost the machine
almost nothing and the benchmark measures the *server* (Voila, the kernels, the store). With
real Chromium pages on the same two cores, the browsers took about 60% of the CPU in the room
run, which in a real room is spread over thirty laptops.

What one :class:`WidgetPage` does, in the order Voila's page does it:

1. ``GET /voila/render/<notebook>`` with the participant's cookies, reading the whole streamed
   page (Voila executes the notebook while it streams);
2. opens the kernel's websocket (``/api/kernels/<id>/channels``, JSON messages);
3. opens the ``jupyter.widget.control`` comm and asks for every widget's state
   (``request_states``), which is how ipywidgets 8's page loads its widgets;
4. keeps the states current from the kernel's ``comm_msg`` updates.

The page is *interactive* once the dashboard's root widget carries ``smlkit-ready``. Typing is a
``update`` of a widget's ``value``; pressing a button is the ``click`` custom message. Leaving
posts Voila's shutdown request, as the page does on unload.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

# Tornado's client queues requests beyond ten at a time; a room's thirty pages must not wait there.
AsyncHTTPClient.configure(None, max_clients=1000)

READY = "smlkit-ready"
_KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]+)"')
_VIEW = re.compile(r'"application/vnd.jupyter.widget-view\+json": \{"model_id": "([0-9a-f]+)"')


class PageError(RuntimeError):
    """The page did not behave as a participant's browser would need."""


class Jar:
    """One participant's cookies (the participant token, Voila's _xsrf)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def take(self, headers) -> None:
        for raw in headers.get_list("Set-Cookie"):
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


class WidgetPage:
    """One open dashboard: its kernel connection and the live state of its widgets."""

    def __init__(self, base: str, jar: Jar):
        self.base = base
        self.jar = jar
        self.kernel_id = ""
        self.root = ""
        self.states: dict[str, dict[str, Any]] = {}
        self.session = uuid.uuid4().hex
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self._control = uuid.uuid4().hex
        self._replies: set[str] = set()

    # -- opening -------------------------------------------------------------------------------
    async def open(self, notebook: str, timeout: float = 180) -> float:
        """Load the page and wait until the dashboard is ready; seconds taken."""
        start = time.perf_counter()
        client = AsyncHTTPClient()
        response = await client.fetch(
            HTTPRequest(
                f"{self.base}voila/render/{notebook}",
                headers={"Cookie": self.jar.header()},
                request_timeout=timeout,
                follow_redirects=False,
            ),
            raise_error=False,
        )
        if response.code != 200:
            raise PageError(f"{notebook}: HTTP {response.code}")
        self.jar.take(response.headers)
        html = response.body.decode("utf-8")
        kernel, views = _KERNEL_ID.search(html), _VIEW.findall(html)
        if not kernel:
            raise PageError(f"{notebook}: the page names no kernel")
        if not views:
            raise PageError(f"{notebook}: the page has no widgets (the notebook's output is missing)")
        self.kernel_id, self.root = kernel.group(1), views[0]
        ws_url = self.base.replace("http", "ws", 1) + f"api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        self._ws = await websocket_connect(
            HTTPRequest(ws_url, headers={"Cookie": self.jar.header()}, request_timeout=timeout),
            max_message_size=64 * 1024 * 1024,
        )
        self._reader = asyncio.create_task(self._read())
        self._send(
            "shell",
            "comm_open",
            {"comm_id": self._control, "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": "1.0.0"},  # ipywidgets 8's control protocol
        )
        self._send("shell", "comm_msg", {"comm_id": self._control, "data": {"method": "request_states"}})
        await self.wait_for(lambda: READY in self.state(self.root).get("_dom_classes", ()), timeout)
        return time.perf_counter() - start

    async def close(self) -> None:
        """Leave the page: Voila's page asks the server to shut its kernel down on unload."""
        if self._reader:
            self._reader.cancel()
        if self._ws is not None:
            self._ws.close()
        if self.kernel_id:
            xsrf = self.jar.cookies.get("_xsrf", "")
            await AsyncHTTPClient().fetch(
                HTTPRequest(
                    f"{self.base}voila/api/shutdown/{self.kernel_id}",
                    method="POST",
                    body="",
                    headers={"Cookie": self.jar.header(), "X-XSRFToken": xsrf},
                ),
                raise_error=False,
            )

    # -- widget protocol -----------------------------------------------------------------------
    def _send(self, channel: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        header = {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "room-bench",
            "session": self.session,
            "date": datetime.now(UTC).isoformat(),
            "version": "5.3",
        }
        message = {
            "header": header,
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": channel,
        }
        self._ws.write_message(json.dumps(message))
        return header["msg_id"]

    async def _read(self) -> None:
        while True:
            raw = await self._ws.read_message()
            if raw is None:
                return
            if isinstance(raw, bytes):
                continue  # binary buffers: no dashboard here sends any
            msg = json.loads(raw)
            if msg.get("channel") == "shell" and msg.get("msg_type") == "kernel_info_reply":
                self._replies.add(msg.get("parent_header", {}).get("msg_id", ""))
                self._changed.set()
                continue
            if msg.get("channel") != "iopub" or msg.get("msg_type") not in ("comm_msg", "comm_open"):
                continue
            data = msg["content"].get("data", {})
            if data.get("method") == "update_states":
                for model, entry in data.get("states", {}).items():
                    self.states.setdefault(model, {}).update(entry.get("state", {}))
            elif data.get("method") == "update" or msg["msg_type"] == "comm_open":
                self.states.setdefault(msg["content"]["comm_id"], {}).update(data.get("state", {}))
            else:
                continue
            self._changed.set()

    async def wait_for(self, condition, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise PageError("timed out waiting for the page")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                continue

    async def sync(self, timeout: float = 60) -> None:
        """Wait until the kernel has handled every message sent before (it handles them in order)."""
        asked = self._send("shell", "kernel_info_request", {})
        await self.wait_for(lambda: asked in self._replies, timeout)

    def models(self) -> list[str]:
        """Every widget the kernel has, in the tree or not (as ``request_states`` reported them)."""
        return list(self.states)

    def state(self, model: str) -> dict[str, Any]:
        return self.states.get(model, {})

    def children(self, model: str) -> list[str]:
        return [c.removeprefix("IPY_MODEL_") for c in self.state(model).get("children", [])]

    def descendants(self, model: str | None = None) -> list[str]:
        out, todo = [], [model or self.root]
        while todo:
            current = todo.pop(0)
            out.append(current)
            todo.extend(self.children(current))
        return out

    def find(self, *, within: str | None = None, css: str | None = None, name: str | None = None, **match) -> str:
        """The first widget (depth first from ``within``) with that CSS class, model name and state."""
        for model in self.descendants(within):
            state = self.state(model)
            if css and css not in state.get("_dom_classes", ()):
                continue
            if name and state.get("_model_name") != name:
                continue
            if all(test(state.get(key)) if callable(test) else state.get(key) == test for key, test in match.items()):
                return model
        raise PageError(f"no widget with class={css} model={name} {sorted(match)}")

    def set_value(self, model: str, **state) -> None:
        self.states.setdefault(model, {}).update(state)
        self._send(
            "shell", "comm_msg", {"comm_id": model, "data": {"method": "update", "state": state, "buffer_paths": []}}
        )

    def click(self, model: str) -> None:
        self._send("shell", "comm_msg", {"comm_id": model, "data": {"method": "custom", "content": {"event": "click"}}})

    def text(self) -> str:
        """Every HTML widget's markup on the page (status lines, counts)."""
        return "\n".join(
            str(self.state(m).get("value", ""))
            for m in self.descendants()
            if "HTML" in str(self.state(m).get("_model_name"))
        )
