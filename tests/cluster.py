"""A redis-server and `grade worker`s of a test's (or a benchmark's) own, on loopback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from autograder.cluster.app import make_app

REDIS = shutil.which("redis-server")
VISIBILITY = 4  # seconds before a dead worker's task goes to another: short, for the tests


class Redis:
    """A redis-server of the test's own on a free loopback port, persisting to `folder` (so it can restart)."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


class Workers:
    """`grade worker` processes on the test's broker, each in a process group of its own."""

    def __init__(self, broker: str, env: dict[str, str] | None = None, concurrency: int = 1) -> None:
        self.broker, self.env, self.concurrency, self.processes = broker, env or {}, concurrency, []

    def start(self, n: int = 1) -> None:
        app = make_app(self.broker)
        before = len(self.processes)
        for _ in range(n):
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "autograder", "worker", "--broker", self.broker, "--concurrency",
                 str(self.concurrency), "--visibility-timeout", str(VISIBILITY)], env={**os.environ, **self.env},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(app.control.inspect(timeout=0.5).ping() or {}) >= before + n:
                return
        raise RuntimeError("the workers did not come up")

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)
