"""Starting a real ``unigate worker`` process, as an operator would, and waiting until it takes jobs."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import UNIGATE


@dataclass
class RunningWorker:
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def running_worker(env: dict[str, str], *args: str, timeout: float = 20.0) -> Iterator[RunningWorker]:
    """``unigate worker`` with ``env``; yields once it has printed its banner, stops it (SIGTERM) at the end."""
    log_dir = Path(env["UNIGATE_DATA_DIR"])
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"worker-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([UNIGATE, "worker", *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while b"sync runs at once" not in log.read_bytes():
            if process.poll() is not None:
                raise RuntimeError(f"unigate worker exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"unigate worker did not start within {timeout}s:\n{log.read_text()}")
            time.sleep(0.05)
        yield RunningWorker(process, log)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
