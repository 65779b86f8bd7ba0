"""A hub in a child process (`python -m app.hub serve`): for tests, benchmarks, embedding."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from app.hub.tls import ServerTls

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HubProcess:
    """One hub server process on a loopback port; start() waits until it answers."""

    def __init__(
        self,
        db_url: str,
        log_dir: Path,
        *,
        token_ttl: float | None = None,
        env: dict[str, str] | None = None,
        tls: ServerTls | None = None,
        ca_file: Path | None = None,
    ) -> None:
        """tls serves HTTPS; ca_file is what the readiness check trusts (default: the
        certificate itself, for a self-signed one)."""
        self.db_url = db_url
        self.tls = tls
        self.ca_file = ca_file
        self.log_path = log_dir / f"hub-{uuid.uuid4().hex[:8]}.log"
        self.token_ttl = token_ttl
        self.env = env or {}
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Where the hub answers."""
        scheme = "http" if self.tls is None else "https"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self, env: dict[str, str] | None = None) -> HubProcess:
        """Start the process (env adds to the environment) and wait until it answers."""
        args = [sys.executable, "-m", "app.hub", "serve", "--db", self.db_url]
        args += ["--host", "127.0.0.1", "--port", str(self.port)]
        if self.token_ttl is not None:
            args += ["--token-ttl", str(self.token_ttl)]
        if self.tls is not None:
            args += ["--tls-cert", str(self.tls.cert), "--tls-key", str(self.tls.key)]
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        full_env = {**os.environ, "PYTHONPATH": path, **self.env, **(env or {})}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, cwd=ROOT, env=full_env, stdout=log, stderr=log)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        verify: ssl.SSLContext | bool = True
        if self.tls is not None:
            verify = ssl.create_default_context(cafile=str(self.ca_file or self.tls.cert))
        with httpx.Client(timeout=1.0, verify=verify) as http:
            while time.monotonic() < deadline:
                if self.proc is None or self.proc.poll() is not None:
                    self.proc = None
                    raise RuntimeError(f"hub exited: {self.log_path.read_text()[-2000:]}")
                try:
                    if http.get(f"{self.base_url}/openapi.json").status_code == 200:
                        return
                except httpx.TransportError:
                    time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"hub did not answer within {timeout}s")

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the process to end by itself; its exit status."""
        assert self.proc is not None
        code = self.proc.wait(timeout)
        self.proc = None
        return code

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL) and reap it."""
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None
