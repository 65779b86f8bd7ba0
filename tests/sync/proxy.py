"""A TCP proxy on loopback between workstations and the hub that fails on purpose.

Modes: "pass" forwards both ways; "cut" refuses connections and drops open ones; "stall"
accepts and reads but never answers (the client times out); "drop_replies" forwards each
request to the hub, lets the hub commit and answer, then throws the answer away and
closes the connection, the worst case for exactly-once.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from app.hub.process import free_port

MODES = ("pass", "cut", "stall", "drop_replies")


class FaultyProxy:
    """Listens on 127.0.0.1:port and relays to 127.0.0.1:upstream_port per its mode."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.mode = "pass"
        self.dropped = 0
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._server.settimeout(0.2)
        self._stopping = threading.Event()
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        """The proxied hub URL."""
        return f"http://127.0.0.1:{self.port}"

    def set(self, mode: str) -> None:
        """Switch mode; open connections are dropped so the new mode applies at once."""
        assert mode in MODES, mode
        with self._lock:
            self.mode = mode
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            _close(sock)

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self._stopping.set()
        self._acceptor.join(5)
        self._server.close()
        self.set("cut")

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        mode = self.mode
        if mode == "cut":
            _close(client)
            return
        self._track(client)
        if mode == "stall":
            _drain(client)
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        self._track(upstream)
        threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
        self._replies(upstream, client, drop=mode == "drop_replies")

    def _replies(self, upstream: socket.socket, client: socket.socket, drop: bool) -> None:
        while True:
            try:
                data = upstream.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            if drop:
                with self._lock:
                    self.dropped += 1
                break  # the hub answered (so it committed); the client never hears it
            try:
                client.sendall(data)
            except OSError:
                break
        _close(client)
        _close(upstream)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)


def _pump(source: socket.socket, target: socket.socket) -> None:
    while True:
        try:
            data = source.recv(65536)
        except OSError:
            data = b""
        if not data:
            break
        try:
            target.sendall(data)
        except OSError:
            break
    _close(source)
    _close(target)


def _drain(sock: socket.socket) -> None:
    """Read and ignore until the client gives up (or the proxy drops the connection)."""
    with contextlib.suppress(OSError):
        while sock.recv(65536):
            pass
    _close(sock)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
