"""A TCP proxy for fault tests: pass, refuse, delay or black-hole connections to a server.

Toxiproxy is not packaged here, and the faults a database client must survive are few:

* `refuse()`: the server is gone. The port stops listening (a new connection gets
  ECONNREFUSED) and open connections are reset.
* `blackhole()`: the server hangs. Connections are accepted and whatever is sent is swallowed;
  nothing ever comes back, on new and open connections alike.
* `delay(seconds)`: a slow network. Every chunk is forwarded after `seconds`.
* `pass_()`: healthy again. Connections that lost bytes in a black hole are reset (their
  protocol state is gone, as after a real network partition), new ones are forwarded.

Threads, not asyncio: the tests that drive it are synchronous, and a few threads per connection
are nothing at the scale of a test.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum

CHUNK = 65536
POLL_S = 0.05


class Mode(Enum):
    PASS = "pass"
    REFUSE = "refuse"
    DELAY = "delay"
    BLACKHOLE = "blackhole"


class _Link:
    """One client connection and its connection to the server."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client = client
        self.server = server
        self.closed = threading.Event()
        self.lost_bytes = False  # something was swallowed: the stream can never be whole again

    def reset(self) -> None:
        """Close both ends with RST, as a crashed peer or a dropped route does."""
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with contextlib.suppress(OSError):
                sock.close()


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to `upstream` according to its mode."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.host = "127.0.0.1"
        self.port = 0
        self.mode = Mode.PASS
        self.latency = 0.0
        self._listener: socket.socket | None = None
        self._links: set[_Link] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._accepting: threading.Thread | None = None
        self.accepted = 0  # connections accepted so far, in every mode

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._listen()
        return self

    def close(self) -> None:
        self._stopped.set()
        self._stop_listening()
        self._reset_links(lambda _link: True)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- faults -------------------------------------------------------------------------------

    def pass_(self) -> None:
        with self._lock:
            self.mode, self.latency = Mode.PASS, 0.0
        self._reset_links(lambda link: link.lost_bytes)
        if self._listener is None:
            self._listen()

    def refuse(self) -> None:
        with self._lock:
            self.mode = Mode.REFUSE
        self._stop_listening()
        self._reset_links(lambda _link: True)

    def delay(self, seconds: float) -> None:
        with self._lock:
            self.mode, self.latency = Mode.DELAY, seconds
        if self._listener is None:
            self._listen()

    def blackhole(self) -> None:
        with self._lock:
            self.mode = Mode.BLACKHOLE
        if self._listener is None:
            self._listen()

    @contextmanager
    def fault(self, mode: Mode, seconds: float = 0.0) -> Iterator[FaultProxy]:
        """`with proxy.fault(Mode.BLACKHOLE): ...`, healthy again afterwards."""
        {
            Mode.PASS: self.pass_,
            Mode.REFUSE: self.refuse,
            Mode.BLACKHOLE: self.blackhole,
            Mode.DELAY: lambda: self.delay(seconds),
        }[mode]()
        try:
            yield self
        finally:
            self.pass_()

    @property
    def connections(self) -> int:
        with self._lock:
            return sum(1 for link in self._links if not link.closed.is_set())

    # --- internals ----------------------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]  # the same port after a refusal ends
        self._listener = listener
        self._accepting = threading.Thread(
            target=self._accept_loop, args=(listener,), name="faultproxy-accept", daemon=True
        )
        self._accepting.start()

    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._accepting is not None:
            self._accepting.join()
            self._accepting = None

    def _reset_links(self, which: Callable[[_Link], bool]) -> None:
        with self._lock:
            chosen = [link for link in self._links if which(link)]
            self._links.difference_update(chosen)
        for link in chosen:
            link.reset()

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                ready, _, _ = select.select([listener], [], [], POLL_S)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                return  # the listener was closed
            self.accepted += 1
            threading.Thread(
                target=self._open_link, args=(client,), name="faultproxy-link", daemon=True
            ).start()

    def _open_link(self, client: socket.socket) -> None:
        server = None
        if self.mode is not Mode.BLACKHOLE:
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                return
            server.settimeout(None)
        # In a black hole the server is never contacted: a socket pair stands in for it.
        link = _Link(client, server or socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        link.lost_bytes = server is None
        with self._lock:
            self._links.add(link)
        if server is None:
            self._pump(link, client, None)
            return
        threading.Thread(
            target=self._pump, args=(link, server, client), name="faultproxy-pump", daemon=True
        ).start()
        self._pump(link, client, server)

    def _pump(self, link: _Link, source: socket.socket, target: socket.socket | None) -> None:
        while not link.closed.is_set():
            try:
                ready, _, _ = select.select([source], [], [], POLL_S)
                if not ready:
                    continue
                data = source.recv(CHUNK)
            except (OSError, ValueError):
                break
            if not data:
                break
            mode, latency = self.mode, self.latency
            if mode is Mode.BLACKHOLE or target is None:
                link.lost_bytes = True
                continue  # swallowed: the peer waits for an answer that never comes
            if mode is Mode.DELAY and latency:
                time.sleep(latency)
            try:
                target.sendall(data)
            except OSError:
                break
        link.reset()
        with self._lock:
            self._links.discard(link)
