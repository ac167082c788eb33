"""The GitHub fake with a GitHub App: its install page, installation tokens and ``/installation/repositories``.

As GitHub documents: the install page sends the browser to the app's setup URL with ``installation_id``,
``setup_action=install`` and the ``state``; ``POST /app/installations/{id}/access_tokens`` takes an RS256 app JWT
(``iss`` = app id, at most 10 minutes) and answers 201 ``{token: "ghs_...", expires_at, permissions,
repository_selection}``; ``GET /installation/repositories`` answers ``{total_count, repository_selection,
repositories}`` paged with ``Link``.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fake_github import FakeGitHub, error
from github_shapes import repository
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

APP_DOCS = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"


class FakeGitHubApp(FakeGitHub):
    """GitHub with one app (``app_id``) installed on ``owner``'s account as ``installation_id``."""

    app_id = "123456"
    installation_id = "4242"

    def __init__(self, owner: str) -> None:
        super().__init__()
        self.public_paths = (*self.public_paths, "/apps/", "/app/")
        self.owner = owner
        self.setup_url = ""  # where the install page sends the browser back (the app's "Setup URL")
        self.key = rsa.generate_private_key(65537, 2048)
        self.mints = 0

    @property
    def private_key_pem(self) -> str:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/apps/{slug}/installations/new", self.install),
            Route("/app/installations/{installation}/access_tokens", self.installation_token, methods=["POST"]),
            Route("/installation/repositories", self.installation_repositories),
            *super().routes(),
        ]

    async def install(self, request: Request) -> Response:
        query = {"installation_id": self.installation_id, "setup_action": "install"}
        query["state"] = request.query_params.get("state", "")
        return RedirectResponse(f"{self.setup_url}?{urlencode(query)}", status_code=302)

    async def installation_token(self, request: Request) -> Response:
        pem = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        public = RSAKey.import_key(pem)
        try:
            token = jwt.decode(request.headers.get("authorization", "").removeprefix("Bearer "), public, ["RS256"])
        except (JoseError, ValueError):
            return error(401, "A JSON web token could not be decoded", APP_DOCS)
        claims, now = token.claims, time.time()
        fresh = claims.get("iat", now + 1) <= now < claims.get("exp", 0) <= now + 600
        if claims.get("iss") != self.app_id or not fresh:
            return error(401, "'Expiration time' claim ('exp') is too far in the future", APP_DOCS)
        if request.path_params["installation"] != self.installation_id:
            return error(404, "Not Found", APP_DOCS)
        self.mints += 1
        value = self.issue_token(subject=self.owner, expires_in=3600, prefix="ghs_", installation=self.installation_id)
        expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = {
            "token": value,
            "expires_at": expires,
            "permissions": {"issues": "write", "metadata": "read"},
            "repository_selection": "all",
        }
        return JSONResponse(body, status_code=201)

    async def installation_repositories(self, request: Request) -> Response:
        if not request.state.token.data.get("installation"):
            return error(403, "You must authenticate with an installation access token in order to list repositories.")
        repos = sorted((r for r in self.repos.values() if r.owner.login == self.owner), key=lambda r: r.full_name)
        page = self._page(request, [repository(self.base_url, r) for r in repos])
        items = json.loads(page.body)
        body = {"total_count": len(repos), "repository_selection": "all", "repositories": items}
        return JSONResponse(body, headers={k: v for k, v in page.headers.items() if k == "link"})
