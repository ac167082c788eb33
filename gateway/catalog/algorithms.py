"""The signing algorithms Unigate implements, which catalog entries are checked against."""

from __future__ import annotations

JWT_ALGORITHMS = frozenset(
    {"HS256", "HS384", "HS512", "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
)
OAUTH1_SIGNATURE_METHODS = ("HMAC-SHA1", "RSA-SHA1", "PLAINTEXT")
