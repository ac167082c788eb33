"""Unigate's provider contract, applied to the GitHub plugin against its fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_github
from fake_github import FakeGitHub
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests


class TestGitHubContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_github
    catalog_key: ClassVar[str] = "github"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake = FakeGitHub()
        fake.add_user("octo")
        for login in ("hubot", "mona"):
            fake.add_user(login)
        repo = fake.add_repo("octo", "hello", collaborators=("hubot", "mona"))
        for name in ("world", "docs"):
            fake.add_repo("octo", name)
        for n in range(5):
            fake.add_issue(repo, f"Issue {n}", user="octo")

        def short_rate_limit(request: Request) -> Response:
            return fake.secondary_rate_limit(request, retry_after=1)

        with fake.run():
            yield ContractWorld(
                fake=fake,
                connection={
                    "credentials": {"type": "OAUTH2", "access_token": fake.token_for("octo"), "no_expiration": True}
                },
                integration={"credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}},
                lists={
                    "/tickets?collection_id=octo/hello": 5,
                    "/collections": 3,
                    "/users?collection_id=octo/hello": 3,
                    "/tags?collection_id=octo/hello": 9,
                },
                missing="/tickets/octo/hello%23404",
                short_rate_limit=short_rate_limit,
            )
