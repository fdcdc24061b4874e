"""A TCP forwarder in front of Neo4j, for tests of an unreachable database."""

from __future__ import annotations

import socket
import threading
import time


class Proxy:
    """A TCP forwarder in front of Neo4j. ``refuse``: new connections are closed at once
    (the server is down); ``blackhole``: connections are accepted and never answered, and
    the open ones stall (a network partition)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode = "forward"
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(100)
        self.lock = threading.Lock()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
                continue
            with self.lock:
                self.conns.append(client)
            if self.mode == "blackhole":
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.conns.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                while self.mode == "blackhole":  # stall: hold the bytes, answer nothing
                    time.sleep(0.05)
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def set(self, mode: str) -> None:
        self.mode = mode
        if mode in ("refuse", "forward"):
            with self.lock:
                conns, self.conns = self.conns, []
            for s in conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.set("refuse")
        self.listener.close()
