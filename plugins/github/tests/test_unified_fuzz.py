"""Whatever body a caller sends to the unified write routes, the answer is never a 5xx (GitHub fake upstream)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_github
from fake_github import FakeGitHub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.testing.kit import make_gateway
from gateway.testing.schema_strategies import from_json_schema
from unified_models import NewComment, TicketCreate, TicketUpdate

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)


def bodies(model: type[Any]) -> st.SearchStrategy[Any]:
    """Bodies shaped by the model's schema (valid or nearly), its field names with random values, or any JSON."""
    schema = model.model_json_schema()
    names = st.sampled_from(sorted(schema["properties"]))
    return from_json_schema(schema, root=schema) | st.dictionaries(names, JSON, max_size=5) | JSON


class Api:
    """The gateway's API client, driven from synchronous hypothesis examples on a loop of its own."""

    def __init__(self, override: Path, token: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.stack = contextlib.AsyncExitStack()
        gateway = make_gateway(plugins=[unigate_github], providers_files=[override], allow_private_hosts=True)
        _, self.client = self.loop.run_until_complete(self.stack.enter_async_context(gateway))
        self.request("POST", "/integrations", {"provider": "github", "unique_key": "gh"})
        credentials = {"type": "OAUTH2", "access_token": token, "no_expiration": True}
        self.request(
            "POST", "/connections", {"provider_config_key": "gh", "connection_id": "c1", "credentials": credentials}
        )
        self.client.headers.update({"Connection-Id": "c1", "Provider-Config-Key": "gh"})

    def request(self, method: str, path: str, body: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, path, json=body))

    def close(self) -> None:
        self.loop.run_until_complete(self.stack.aclose())
        self.loop.close()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    fake = FakeGitHub()
    fake.add_user("octo")
    repo = fake.add_repo("octo", "hello")
    fake.add_issue(repo, "First", user="octo")
    with fake.run() as url:
        override = tmp_path_factory.mktemp("catalog") / "github.yaml"
        override.write_text(f"github:\n  proxy:\n    base_url: {url}\n")
        client = Api(override, fake.token_for("octo"))
        yield client
        client.close()


ROUTES = [
    ("POST", "/tickets", TicketCreate),
    ("PATCH", "/tickets/octo/hello%231", TicketUpdate),
    ("POST", "/tickets/octo/hello%231/comments", NewComment),
]


@pytest.mark.parametrize(("method", "path", "model"), ROUTES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_body_causes_a_server_error(api: Api, method: str, path: str, model: type[Any], data: st.DataObject) -> None:
    body = data.draw(bodies(model))
    response = api.request(method, path, body)
    assert response.status_code < 500, f"{method} {path} {body!r}: {response.text}"
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
