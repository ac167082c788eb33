"""Run any ASGI app on a free loopback port in a background thread (for tests and plugin authors)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

__all__ = ["run_app"]


@contextmanager
def run_app(app: Any, host: str = "127.0.0.1", *, timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on ``host`` and a free port; yield its base URL (``http://host:port``).

    The socket is bound before the server starts, so the port cannot be taken in between. Lifespan events, access
    logs and websockets are off. On exit the server is asked to stop and its thread is joined.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port: int = sock.getsockname()[1]
    config = uvicorn.Config(app, host=host, port=port, lifespan="off", log_level="warning", access_log=False, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"loopback-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"uvicorn exited before serving on {host}:{port}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {host}:{port} within {timeout}s")
            time.sleep(0.01)
        netloc = f"[{host}]" if ":" in host else host
        yield f"http://{netloc}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
