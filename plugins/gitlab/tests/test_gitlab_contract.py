"""Unigate's provider contract, applied to the GitLab plugin's two catalog entries (OAuth, access token)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_gitlab
from fake_gitlab import FakeGitLab
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import


@contextmanager
def gitlab_world(access_token: bool) -> Iterator[ContractWorld]:
    fake = FakeGitLab()
    ada, grace, alan = (fake.add_user(name) for name in ("ada", "grace", "alan"))
    app = fake.add_project("acme/app", ada, grace, alan)
    for path in ("acme/docs", "acme/infra"):
        fake.add_project(path, ada)
    for title in ("v1.0", "v1.1", "v2.0"):
        fake.add_milestone(app, title)
    issues = [fake.add_issue(app, f"Issue {n}", ada) for n in range(5)]
    fake.add_note(issues[0], "changed the description", grace, system=True)
    for n in range(3):
        fake.add_note(issues[0], f"Note {n}", grace)

    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, retry_after=1)

    with fake.run():
        pat = {"type": "API_KEY", "apiKey": fake.pat_for(ada)}
        connect = credential_import(pat) if access_token else oauth_import(fake.oauth_token_for(ada))
        yield ContractWorld(
            fake=fake,
            **connect,
            lists={
                "/tickets": 5,
                "/tickets?collection_id=acme/app": 5,
                "/tickets/acme%2Fapp%231/comments": 3,
                "/collections": 3,
                "/users": 3,
                "/users?collection_id=acme/app": 3,
                "/tags?collection_id=acme/app": 3,
            },
            missing="/tickets/acme%2Fapp%23404",
            short_rate_limit=short_rate_limit,
            catalog={"proxy": {"base_url": f"{fake.base_url}/api/v4"}},
        )


class TestGitLabContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_gitlab
    catalog_key: ClassVar[str] = "gitlab"

    def contract_world(self) -> Any:
        return gitlab_world(access_token=self.catalog_key == "gitlab-pat")


class TestGitLabTokenContract(TestGitLabContract):
    catalog_key: ClassVar[str] = "gitlab-pat"
