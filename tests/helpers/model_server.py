"""A real HTTP server on 127.0.0.1 for model-download tests.

The server runs in a thread of the test. `Behavior` says what it does next: serve a payload
(one per path, or one for every path), honour or ignore Range, cut the body, stall, lie
about or leave out Content-Length, send an ETag, or answer an error status. Shutting it
down simulates a server that is gone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_RANGE = re.compile(r"bytes=(\d+)-$")
URL_PATH = "/repo/resolve/main/tiny.gguf"  # a Hugging Face-shaped path, for mirror tests


@dataclass
class Behavior:
    """What the server does next; `seen` records each request's path, Range and If-Range."""

    payload: bytes | None = None  # served at every path not in `files`; None: 404 there
    files: dict[str, bytes] = field(default_factory=dict)
    cut_after: int | None = None  # send this many body bytes, then close the connection
    status: int | None = None  # answer this status with no body (e.g. 404)
    ignore_range: bool = False
    stall_after: int | None = None  # send this many bytes, then wait until `release` is set
    release: threading.Event = field(default_factory=threading.Event)
    no_length: bool = False  # send no Content-Length (the body ends when the connection does)
    length: int | None = None  # announce and send only this many bytes of the file
    etag: str = ""
    seen: list[dict[str, Any]] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:
        plan = self.server.behavior
        wanted = self.headers.get("Range")
        plan.seen.append(
            {"path": self.path, "range": wanted, "if_range": self.headers["If-Range"], "sent": 0}
        )
        payload = plan.files.get(self.path, plan.payload)
        if plan.status or payload is None:
            self.send_error(plan.status or 404)
            return
        start = self._start(wanted, plan, payload)
        if start is not None:
            self._send(plan, payload, start)

    def _start(self, wanted: str | None, plan: Behavior, payload: bytes) -> int | None:
        match = _RANGE.match(wanted or "")
        if not match or plan.ignore_range:
            return 0
        start = int(match.group(1))
        if start >= len(payload):
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(payload)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return start

    def _send(self, plan: Behavior, payload: bytes, start: int) -> None:
        body = payload[start:] if plan.length is None else payload[: plan.length]
        self.send_response(206 if start else 200)
        if start:
            total = len(payload)
            self.send_header("Content-Range", f"bytes {start}-{total - 1}/{total}")
        if not plan.no_length:
            self.send_header("Content-Length", str(len(body)))
        if plan.etag:
            self.send_header("ETag", plan.etag)
        self.end_headers()
        if plan.cut_after is not None:
            body = body[: plan.cut_after]  # then the connection closes: HTTP/1.0
        if plan.stall_after is not None:
            self.wfile.write(body[: plan.stall_after])
            self.wfile.flush()
            plan.release.wait(timeout=30)
            return
        # Recorded before writing: the client may finish reading before this thread resumes.
        plan.seen[-1]["sent"] = len(body)
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean


class Server(ThreadingHTTPServer):
    daemon_threads = True
    behavior: Behavior

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up early is part of these tests


@dataclass
class Running:
    server: Server
    base: str  # http://127.0.0.1:PORT
    behavior: Behavior

    @property
    def url(self) -> str:
        return self.base + URL_PATH

    def stop(self) -> None:
        if self.server.socket.fileno() != -1:
            self.server.shutdown()
            self.server.server_close()


@contextmanager
def serving(behavior: Behavior) -> Iterator[Running]:
    server = Server(("127.0.0.1", 0), Handler)
    server.behavior = behavior
    # A short poll interval only makes shutdown() return sooner; nothing waits on a timer.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    running = Running(server, f"http://{host}:{port}", behavior)
    try:
        yield running
    finally:
        running.stop()
        thread.join(timeout=10)
