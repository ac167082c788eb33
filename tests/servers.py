"""Starting a real ``unigate serve`` process on a free loopback port, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

UNIGATE = str(Path(sys.executable).with_name("unigate"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def unigate_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIGATE_")}
    env.update({"UNIGATE_DATA_DIR": str(data_dir), "UNIGATE_DATABASE_URL": database_url, **extra})
    return env


@dataclass
class RunningServer:
    url: str
    secret_key: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {self.secret_key}"}, timeout=10)


@contextmanager
def running_server(
    env: dict[str, str], *args: str, timeout: float = 20.0, factory: str | None = None
) -> Iterator[RunningServer]:
    """``unigate serve`` on a free port; with ``factory`` (``module:function``), uvicorn serving that app instead.

    A port found free may be taken by another test's server before this one binds it: then it starts again on
    another port (three tries)."""
    for attempt in range(3):
        port = free_port()
        process, log = _start(env, port, args, factory)
        url = f"http://127.0.0.1:{port}"
        try:
            if not _wait_until_serving(process, log, url, timeout, last=attempt == 2):
                continue
            secret = env.get("UNIGATE_SECRET_KEY") or (Path(env["UNIGATE_DATA_DIR"]) / "secret_key").read_text().strip()
            yield RunningServer(url, secret, process, log)
            return
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start(
    env: dict[str, str], port: int, args: tuple[str, ...], factory: str | None
) -> tuple[subprocess.Popen[bytes], Path]:
    command = [UNIGATE, "serve", "--port", str(port), *args]
    if factory is not None:
        command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(port), "--lifespan", "on"]
    log = Path(env["UNIGATE_DATA_DIR"]) / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, log


def _wait_until_serving(process: subprocess.Popen[bytes], log: Path, url: str, timeout: float, last: bool) -> bool:
    """True once ``/health`` answers; False if the port was taken meanwhile (and this is not the last try)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            text = log.read_text()
            if "address already in use" in text and not last:
                return False
            raise RuntimeError(f"unigate serve exited with {process.returncode}:\n{text}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"unigate serve did not answer within {timeout}s:\n{log.read_text()}")
        time.sleep(0.1)
