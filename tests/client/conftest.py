"""A real ``unigate`` server on 127.0.0.1 (unigate-github and the extras example) over the GitHub fake."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.client.paths import EXTRA_PATHS
from tests.servers import RunningServer, running_server, unigate_env

assert EXTRA_PATHS
from fake_milestones import FakeGitHubMilestones  # noqa: E402


@dataclass
class Setup:
    server: RunningServer
    fake: FakeGitHubMilestones
    token: str


@pytest.fixture
def fake() -> Iterator[FakeGitHubMilestones]:
    gh = FakeGitHubMilestones()
    gh.add_user("octo")
    repo = gh.add_repo("octo", "hello")
    for n in range(1, 8):
        gh.add_issue(repo, f"Issue {n}", user="octo", reactions={"+1": n})
    gh.add_milestone(repo, "v1.0", creator="octo", open_issues=2)
    with gh.run():
        yield gh


@pytest.fixture
def setup(fake: FakeGitHubMilestones, database_url: str, tmp_path: Path) -> Iterator[Setup]:
    override = tmp_path / "github.yaml"
    override.write_text(f"github:\n  proxy:\n    base_url: {fake.base_url}\n")
    env = unigate_env(
        tmp_path / "data",
        database_url,
        UNIGATE_PROVIDERS_FILES=str(override),
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",
        UNIGATE_SECRET_KEY=str(uuid.uuid4()),
    )
    with running_server(env, factory="tests.client.github_server:app") as server:
        yield Setup(server, fake, fake.token_for("octo"))
