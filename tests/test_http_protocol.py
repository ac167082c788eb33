"""Slow and oversized clients against a real ``unigate serve``: heads and bodies have deadlines, heads a size cap.

Every client here is a raw socket on loopback; every wait is bounded, and the server's timeouts are set short
(one second) so the bounds stay small.
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import RunningServer, running_server, unigate_env

TIMEOUT = 1.0  # UNIGATE_HEADER_TIMEOUT, UNIGATE_BODY_TIMEOUT and UNIGATE_KEEP_ALIVE_TIMEOUT of the server
BOUND = TIMEOUT + 3.0  # what the tests allow before calling a connection held
MAX_HEADER_BYTES = 4096


@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    tmp = tmp_path_factory.mktemp("slow-clients")
    shutil.copy(sqlite_template, tmp / "unigate.db")
    env = unigate_env(
        tmp / "data",
        f"sqlite:///{tmp / 'unigate.db'}",
        UNIGATE_HEADER_TIMEOUT=str(TIMEOUT),
        UNIGATE_BODY_TIMEOUT=str(TIMEOUT),
        UNIGATE_KEEP_ALIVE_TIMEOUT=str(TIMEOUT),
        UNIGATE_MAX_HEADER_BYTES=str(MAX_HEADER_BYTES),
    )
    with running_server(env) as running:
        yield running


def connect(server: RunningServer) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
    return sock


def read_until_closed(sock: socket.socket, bound: float = BOUND) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took; fails past ``bound``."""
    started = time.monotonic()
    received = b""
    sock.settimeout(bound)
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        except TimeoutError:
            raise AssertionError(f"the server still held the connection after {bound}s") from None
        if not chunk:
            break
        received += chunk
        if time.monotonic() - started > bound:
            raise AssertionError(f"the server still held the connection after {bound}s")
    return received, time.monotonic() - started


def read_response(sock: socket.socket) -> bytes:
    """One response (head and ``Content-Length`` body), leaving the connection open."""
    sock.settimeout(BOUND)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {received!r}"
        received += chunk
    head, body = received.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {received!r}"
        body += chunk
    return head + b"\r\n\r\n" + body


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def body_of(response: bytes) -> dict[str, object]:
    data: dict[str, object] = json.loads(response.split(b"\r\n\r\n", 1)[1])
    return data


def test_idle_connections_are_closed(server: RunningServer) -> None:
    sockets = [connect(server) for _ in range(50)]
    try:
        started = time.monotonic()
        for sock in sockets:
            received, _ = read_until_closed(sock, bound=BOUND - (time.monotonic() - started))
            assert received == b""
        assert time.monotonic() - started >= TIMEOUT * 0.9
    finally:
        for sock in sockets:
            sock.close()


def test_partial_headers_then_stall_is_disconnected(server: RunningServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        received, took = read_until_closed(sock)
    assert received == b"" and took < BOUND


def test_headers_trickled_byte_by_byte_are_cut_off(server: RunningServer) -> None:
    """The head's deadline counts from its first byte: sending a byte now and then does not extend it."""
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"a" * 200
    with connect(server) as sock:
        started = time.monotonic()
        closed = False
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.05)
            if time.monotonic() - started > BOUND:
                break
        if not closed:
            received, _ = read_until_closed(sock, bound=0.5)
            assert received == b""
        assert time.monotonic() - started < BOUND


def test_stalled_body_is_answered_408_and_closed(server: RunningServer) -> None:
    body = b'{"provider": "github", "unique_key": "slow"}'
    head = (
        b"POST /integrations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n" % (server.secret_key.encode(), len(body))
    )
    with connect(server) as sock:
        sock.sendall(head + body[:10])
        received, took = read_until_closed(sock)
    assert status_of(received) == 408, received
    assert body_of(received)["error"] == {
        "code": "request_timeout",
        "message": "The request body stalled for 1 seconds; send it without pauses (UNIGATE_BODY_TIMEOUT)",
    }
    assert took < BOUND


def test_oversized_header_block_is_431(server: RunningServer) -> None:
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(
        b"X-Filler-%d: %s\r\n" % (i, b"a" * 100) for i in range(MAX_HEADER_BYTES // 100)
    )
    with connect(server) as sock:
        sock.sendall(head + b"\r\n")
        received, _ = read_until_closed(sock)
    assert status_of(received) == 431, received
    assert body_of(received)["error"]["code"] == "request_header_fields_too_large"  # type: ignore[index]


def test_endless_header_is_431_before_it_ends(server: RunningServer) -> None:
    """One header line that never ends: refused once it passes the cap, not buffered until the deadline."""
    with connect(server) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ")
        started = time.monotonic()
        try:
            for _ in range(8):
                sock.sendall(b"a" * 1024)
        except (BrokenPipeError, ConnectionResetError):
            pass
        received, _ = read_until_closed(sock)
        assert time.monotonic() - started < TIMEOUT  # answered for its size, before the head's deadline
    assert status_of(received) == 431, received


def test_ordinary_requests_and_keep_alive_still_work(server: RunningServer) -> None:
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fits: " + b"a" * (MAX_HEADER_BYTES // 2) + b"\r\n\r\n"
    with connect(server) as sock:
        for _ in range(2):  # two requests on one connection, the second after a pause shorter than the timeouts
            sock.sendall(request)
            response = read_response(sock)
            assert status_of(response) == 200 and body_of(response) == {"result": "ok"}, response
            time.sleep(TIMEOUT / 2)
        received, took = read_until_closed(sock)  # then idle: closed by the keep-alive timeout
    assert received == b"" and took < BOUND
