"""The Connections tab's re-authorise link: a reconnect connect session for that connection and its end user."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx

from gateway.dashboard.connections_tab import credential_status
from gateway.runtime import Gateway
from gateway.store.tables import Connection
from tests.dashboard.dashboard_forms import csrf_of, sign_in

LINEAR = {"provider": "linear-api-key", "unique_key": "lin"}
CONNECTION = {
    "provider_config_key": "lin",
    "connection_id": "acme-1",
    "credentials": {"type": "API_KEY", "apiKey": "lin_api_secret"},
    "end_user": {"id": "user-7", "email": "ada@acme.test"},
}


async def test_a_re_authorise_link_may_only_reconnect_that_connection(
    gateway: Gateway, browser: httpx.AsyncClient
) -> None:
    api = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    assert (await browser.post("/integrations", json=LINEAR, headers=api)).is_success
    assert (await browser.post("/connections", json=CONNECTION, headers=api)).status_code == 201
    await sign_in(browser, gateway.secrets.secret_key)
    tab = await browser.get("/dashboard/integrations/lin/connections")
    assert tab.status_code == 200 and "Re-authorise link" in tab.text and "lin_api_secret" not in tab.text

    forged = await browser.post("/dashboard/integrations/lin/connections/acme-1/reconnect", data={"csrf_token": "x"})
    assert forged.status_code == 403
    answer = await browser.post(
        "/dashboard/integrations/lin/connections/acme-1/reconnect", data={"csrf_token": csrf_of(tab.text)}
    )
    assert answer.status_code == 200, answer.text
    found = re.search(r'id="reconnect-link" type="text" readonly value="([^"]+)"', answer.text)
    assert found, answer.text
    link = html.unescape(found.group(1))
    assert link.startswith(f"{gateway.settings.resolved_public_url}/connect?session_token=")
    token = parse_qs(urlsplit(link).query)["session_token"][0]
    session = await browser.get("/connect/session", headers={"Authorization": f"Bearer {token}"})
    data = session.json()["data"]
    assert data["allowed_integrations"] == ["lin"] and data["end_user"]["id"] == "user-7"

    missing = await browser.post(
        "/dashboard/integrations/lin/connections/nobody/reconnect", data={"csrf_token": csrf_of(tab.text)}
    )
    assert missing.status_code == 404


def test_credential_states_name_what_the_operator_should_do() -> None:
    now = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)

    def state(**fields: object) -> str:
        row = Connection(connection_id="c", integration_id=1, credentials_type="OAUTH2", credentials="x", **fields)
        return credential_status(row, now)[0]

    assert state() == "ok"
    assert state(expires_at=now + timedelta(hours=2)) == "ok"
    assert state(expires_at=now + timedelta(minutes=5)) == "expiring"
    assert state(expires_at=now - timedelta(minutes=5)) == "expiring"
    assert state(last_refresh_failure_at=now, last_refresh_error="invalid_grant") == "refresh failed"
    exhausted = Connection(
        connection_id="c", integration_id=1, credentials_type="OAUTH2", credentials="x", refresh_exhausted=True
    )
    status, detail = credential_status(exhausted, now)
    assert status == "exhausted" and "re-authorise" in detail
