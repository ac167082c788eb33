"""The refresh margin: the smaller of the entry's buffer (15 minutes by default) and half the token's lifetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.upstream.expiry import (
    LIFETIME_KEY,
    due_at,
    margin_for,
    needs_refresh,
    recorded_lifetime,
    with_lifetime,
)

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
OAUTH2 = {"auth_mode": "OAUTH2"}


def test_unknown_lifetime_keeps_the_buffer() -> None:
    assert margin_for(OAUTH2, None) == timedelta(minutes=15)
    assert margin_for({**OAUTH2, "token_expiration_buffer": 60}, None) == timedelta(seconds=60)
    assert margin_for({**OAUTH2, "token_expiration_buffer": 0}, None) == timedelta(0)


def test_short_tokens_get_half_their_lifetime() -> None:
    assert margin_for(OAUTH2, timedelta(minutes=5)) == timedelta(minutes=2, seconds=30)  # Keycloak's default
    assert margin_for(OAUTH2, timedelta(seconds=4)) == timedelta(seconds=2)
    assert margin_for({**OAUTH2, "token_expiration_buffer": 60}, timedelta(minutes=5)) == timedelta(seconds=60)


def test_long_tokens_get_the_buffer() -> None:
    assert margin_for(OAUTH2, timedelta(hours=1)) == timedelta(minutes=15)
    assert margin_for(OAUTH2, timedelta(minutes=30)) == timedelta(minutes=15)
    assert margin_for({**OAUTH2, "token_expiration_buffer": 300}, timedelta(hours=1)) == timedelta(minutes=5)


def test_jwt_entries_follow_the_same_rule() -> None:
    jwt = {"auth_mode": "JWT", "token": {"expires_in_ms": 5 * 60 * 1000}}
    assert margin_for(jwt, timedelta(minutes=5)) == timedelta(minutes=2, seconds=30)
    assert margin_for(jwt, None) == timedelta(minutes=15)  # until its next signing records the lifetime


def test_due_from_half_lifetime_before_expiry() -> None:
    expires = NOW + timedelta(minutes=5)
    lifetime = timedelta(minutes=5)
    assert due_at(expires, OAUTH2, lifetime) == NOW + timedelta(minutes=2, seconds=30)
    assert not needs_refresh(expires, OAUTH2, lifetime, NOW)
    assert not needs_refresh(expires, OAUTH2, lifetime, NOW + timedelta(minutes=2, seconds=29))
    assert needs_refresh(expires, OAUTH2, lifetime, NOW + timedelta(minutes=2, seconds=30))
    assert needs_refresh(expires, OAUTH2, None, NOW)  # the old rule: a 5-minute token is always due


def test_tokens_without_expiry_are_never_due() -> None:
    assert due_at(None, OAUTH2, timedelta(minutes=5)) is None
    assert not needs_refresh(None, OAUTH2, None, NOW + timedelta(days=365))


def test_lifetime_is_recorded_and_read_back() -> None:
    stamped = with_lifetime({"type": "OAUTH2", "access_token": "a"}, NOW + timedelta(seconds=299.5), NOW)
    assert stamped == {"type": "OAUTH2", "access_token": "a", LIFETIME_KEY: 299.5}
    assert recorded_lifetime(stamped) == timedelta(seconds=299.5)
    assert LIFETIME_KEY.startswith("_")  # GET /connections/{id} leaves "_" keys out


def test_a_new_token_replaces_or_drops_the_recorded_lifetime() -> None:
    old = {"type": "OAUTH2", LIFETIME_KEY: 300}
    assert with_lifetime(old, NOW + timedelta(hours=1), NOW)[LIFETIME_KEY] == 3600
    assert LIFETIME_KEY not in with_lifetime(old, None, NOW)  # the new token does not expire
    assert LIFETIME_KEY not in with_lifetime(old, NOW - timedelta(seconds=1), NOW)  # already expired: unknown
    assert old == {"type": "OAUTH2", LIFETIME_KEY: 300}


def test_unreadable_lifetimes_are_ignored() -> None:
    for value in (None, "soon", 0, -5, [1]):
        assert recorded_lifetime({LIFETIME_KEY: value}) is None
    assert recorded_lifetime({}) is None
