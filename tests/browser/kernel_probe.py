"""Talking to a dashboard's kernel over its websocket from the page, as a curious participant could."""

from __future__ import annotations

import re
import secrets

_PROBE = """
async ([url, code]) => {
  const session = crypto.randomUUID();
  const message = (type, content) => ({
    header: {msg_id: crypto.randomUUID(), username: "", session, msg_type: type, version: "5.3", date: ""},
    parent_header: {}, metadata: {}, content, channel: "shell", buffers: [],
  });
  const info = message("kernel_info_request", {});
  const run = message("execute_request", {
    code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true,
  });
  const seen = {kernel_info_reply: false, execute_reply: false, execute_activity: false};
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  socket.onmessage = (event) => {
    if (typeof event.data !== "string") return;
    const reply = JSON.parse(event.data);
    const parent = (reply.parent_header || {}).msg_id;
    if (parent === info.header.msg_id && reply.msg_type === "kernel_info_reply") seen.kernel_info_reply = true;
    if (parent === run.header.msg_id) {
      seen.execute_activity = true;
      if (reply.msg_type === "execute_reply") seen.execute_reply = true;
    }
  };
  socket.send(JSON.stringify(run));
  socket.send(JSON.stringify(info));
  const deadline = Date.now() + 20000;
  while (!seen.kernel_info_reply && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 3000));  // time enough for an execute_reply, had the code run
  socket.close();
  return seen;
}
"""


def code_runs_through_kernel_socket(page, socket_url: str, code: str) -> dict[str, bool]:
    """Open a second connection to the page's kernel, ask it to run ``code``; say what came back."""
    url = re.sub(r"session_id=[^&]*", f"session_id={secrets.token_hex(16)}", socket_url)
    return page.evaluate(_PROBE, [url, code])
