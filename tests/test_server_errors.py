"""An unhandled exception is logged by type and error id, never by its text, and the 500 answer names the id.

The failures are real: a database trigger makes the connection INSERT fail, so SQLAlchemy's exception text carries
``[parameters: ...]`` with the connection's metadata and the credentials' ciphertext, as in production.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from gateway.access_log import JsonFormatter
from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.plugins import hookimpl
from gateway.runtime import Gateway
from gateway.server_errors import RedactExceptions, StartupError, redact_server_loggers
from gateway.settings import Settings
from gateway.store.engine import sync_url
from gateway.store.tables import Connection
from tests.conftest import error_of
from tests.servers import running_server, unigate_env

MARKER = "meta-7f3a-do-not-log"
ERROR_ID = re.compile(r"error id ([0-9a-f]{12})")
IMPORT = {
    "provider_config_key": "lin",
    "connection_id": "c1",
    "credentials": {"type": "API_KEY", "apiKey": "lin_api_plain"},
    "metadata": {"note": MARKER},
}


@contextmanager
def failing_connection_inserts(database_url: str) -> Iterator[None]:
    """Every INSERT into ``connections`` fails with a database error that is not a constraint violation."""
    engine = create_engine(sync_url(database_url))
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        if sqlite:  # the trigger writes to a table that no longer exists: "no such table" at INSERT time
            conn.execute(text("CREATE TABLE trap (x INTEGER)"))
            conn.execute(
                text("CREATE TRIGGER trap_insert BEFORE INSERT ON connections BEGIN INSERT INTO trap VALUES (1); END")
            )
            conn.execute(text("DROP TABLE trap"))
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION trap() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'trap'; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text("CREATE TRIGGER trap_insert BEFORE INSERT ON connections FOR EACH ROW EXECUTE FUNCTION trap()")
            )
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER trap_insert" + ("" if sqlite else " ON connections")))
            if not sqlite:
                conn.execute(text("DROP FUNCTION trap()"))
        engine.dispose()


def assert_the_failure_carries_the_marker(database_url: str) -> None:
    """The premise: the database error's own text holds the inserted values."""
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        integration_id = conn.execute(text("SELECT id FROM integrations WHERE unique_key = 'lin'")).scalar_one()
    row = Connection(
        connection_id="x",
        integration_id=integration_id,
        credentials_type="API_KEY",
        credentials="c",
        metadata_={"n": MARKER},
    )
    try:
        with pytest.raises(DBAPIError) as info, Session(engine) as session:
            session.add(row)
            session.commit()
        assert MARKER in str(info.value)
    finally:
        engine.dispose()


async def test_unhandled_error_logs_type_and_id_not_text(
    client: httpx.AsyncClient, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    url = gateway.settings.resolved_database_url
    created = await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "lin"})
    assert created.is_success
    caplog.clear()
    with failing_connection_inserts(url), caplog.at_level(logging.ERROR, logger="unigate"):
        assert_the_failure_carries_the_marker(url)
        response = await client.post("/connections", json=IMPORT)
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    found = ERROR_ID.search(error["message"])
    assert found, error["message"]
    records = [r for r in caplog.records if r.name == "unigate" and r.levelno == logging.ERROR]
    assert len(records) == 1
    record = records[0]
    fields: dict[str, Any] = getattr(record, "fields", {})
    assert fields["error_id"] == found.group(1)
    assert fields["error_type"].startswith("sqlalchemy.exc.") and fields["where"] == "POST /connections"
    assert re.fullmatch(r"[0-9a-f]{12}", fields["fingerprint"])
    line = JsonFormatter().format(record)
    assert found.group(1) in line and fields["error_type"] in line and "connections.py" in line  # frames are kept
    ciphertext = f"v1.{gateway.secrets.keyring.current().primary_id}."
    for leaked in (MARKER, ciphertext, "lin_api_plain", "[parameters", "[SQL"):
        assert leaked not in caplog.text and leaked not in line and leaked not in response.text


async def test_the_same_failure_has_the_same_fingerprint_and_a_new_error_id(
    client: httpx.AsyncClient, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "lin"})
    caplog.clear()
    with failing_connection_inserts(gateway.settings.resolved_database_url), caplog.at_level(logging.ERROR):
        first = await client.post("/connections", json=IMPORT)
        second = await client.post("/connections", json=IMPORT)
    records = [getattr(r, "fields", {}) for r in caplog.records if r.name == "unigate"]
    assert len(records) == 2 and records[0]["fingerprint"] == records[1]["fingerprint"]
    assert records[0]["error_id"] != records[1]["error_id"]
    assert [ERROR_ID.findall(r.text) for r in (first, second)] == [[records[0]["error_id"]], [records[1]["error_id"]]]


@contextmanager
def connections_table_missing(database_url: str) -> Iterator[None]:
    engine = create_engine(sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE connections RENAME TO connections_away"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE connections_away RENAME TO connections"))
        engine.dispose()


async def test_failure_inside_the_proxy_middleware_is_a_500_with_id(
    client: httpx.AsyncClient, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    """``/proxy`` is answered by a middleware ahead of the router; its failures are logged the same way."""
    caplog.clear()
    with connections_table_missing(gateway.settings.resolved_database_url), caplog.at_level(logging.ERROR):
        response = await client.get("/proxy/x", headers={"Connection-Id": MARKER, "Provider-Config-Key": "lin"})
    assert response.status_code == 500 and error_of(response)["code"] == "server_error"
    records = [r for r in caplog.records if r.name == "unigate"]
    assert len(records) == 1 and getattr(records[0], "fields", {})["where"] == "GET /proxy/x"
    assert ERROR_ID.findall(response.text) == [getattr(records[0], "fields", {})["error_id"]]
    assert MARKER not in caplog.text


class FailingStartup:
    @hookimpl
    def startup(self, gateway: Gateway) -> None:
        raise RuntimeError(f"cannot reach https://user:{MARKER}@db.internal")


async def test_startup_failure_reaches_the_server_without_its_text(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Starlette hands the server the failure's traceback text, which uvicorn prints: it names type and id only."""
    gateway = build_gateway(settings, plugins=[FailingStartup()])
    app = create_app(gateway)
    sent: list[dict[str, Any]] = []
    incoming = [{"type": "lifespan.startup"}]

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with caplog.at_level(logging.ERROR, logger="unigate"), pytest.raises(StartupError):
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    await gateway.stop()
    assert [m["type"] for m in sent] == ["lifespan.startup.failed"]
    printed = sent[0]["message"]
    found = ERROR_ID.search(printed)
    assert found and "RuntimeError" in printed, printed
    assert MARKER not in printed and MARKER not in caplog.text
    assert [getattr(r, "fields", {}).get("error_id") for r in caplog.records if r.name == "unigate"] == [found.group(1)]


def test_uvicorn_loggers_print_no_exception_text(caplog: pytest.LogCaptureFixture) -> None:
    """What uvicorn logs with an exception attached ("Exception in ASGI application") loses the exception's text."""
    redact_server_loggers()
    server_log = logging.getLogger("uvicorn.error")
    assert any(isinstance(f, RedactExceptions) for f in server_log.filters)
    try:
        raise ValueError(f"parameters: {MARKER}")
    except ValueError as exc:
        with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
            server_log.error("Exception in ASGI application\n", exc_info=exc)
    assert "Exception in ASGI application" in caplog.text and "ValueError" in caplog.text
    assert "test_server_errors.py" in caplog.text  # the frames stay
    assert MARKER not in caplog.text


def test_json_log_lines_never_hold_exception_text() -> None:
    """Warnings logged with ``exc_info`` (e.g. a plugin's unexpected answer) keep the type, drop the text."""
    try:
        raise KeyError(MARKER)
    except KeyError:
        record = logging.getLogger("unigate.test").makeRecord(
            "unigate.test", logging.WARNING, __file__, 1, "odd answer", None, __import__("sys").exc_info()
        )
    line = JsonFormatter().format(record)
    assert "KeyError" in line and MARKER not in line


def test_real_server_logs_no_exception_text(database_url: str, tmp_path: Path) -> None:
    """Through ``unigate serve``: the 500's error id is in the server's output, the exception's text is not."""
    with running_server(unigate_env(tmp_path / "data", database_url)) as server:
        headers = {"Authorization": f"Bearer {server.secret_key}"}
        created = httpx.post(
            f"{server.url}/integrations", json={"provider": "linear-api-key", "unique_key": "lin"}, headers=headers
        )
        assert created.is_success, created.text
        with failing_connection_inserts(database_url):
            response = httpx.post(f"{server.url}/connections", json=IMPORT, headers=headers, timeout=10)
        assert response.status_code == 500
        error_id = ERROR_ID.findall(response.text)
        output = server.log.read_text()
    assert error_id and error_id[0] in output
    assert MARKER not in output and "[parameters" not in output
    assert "Exception in ASGI application" not in output
