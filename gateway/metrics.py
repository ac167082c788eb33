"""Unigate's Prometheus metrics (``GET /metrics``, docs/operators.md), and their rendering.

With ``PROMETHEUS_MULTIPROC_DIR`` set before this module is first imported (``unigate serve --workers N`` does it),
each worker writes its values to files there and the rendering sums them over every worker.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "unmatched"  # the route label of a request no route matched
PROXY_ROUTE = "/proxy/{path}"

REQUESTS = Counter(
    "unigate_http_requests_total",
    "API requests answered, by route template, method and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "unigate_http_request_duration_seconds", "Time to answer an API request, by route template", ["route", "method"]
)
UPSTREAM_CALLS = Counter(
    "unigate_upstream_calls_total",
    "Provider calls (proxied and unified), by provider and outcome",
    ["provider", "outcome"],
)
UPSTREAM_SECONDS = Histogram(
    "unigate_upstream_call_duration_seconds", "Time of a provider call, retries included, by provider", ["provider"]
)
RETRIES = Counter("unigate_upstream_retries_total", "Provider calls sent again after a failure", ["provider"])
REFRESHES = Counter(
    "unigate_token_refreshes_total", "Credential refreshes, by provider and outcome", ["provider", "outcome"]
)
CONNECTION_CACHE = Counter(
    "unigate_connection_cache_lookups_total", "Connection cache lookups of the proxy and unified calls", ["result"]
)
ACTIVE_STREAMS = Gauge(
    "unigate_active_streams", "Proxied answers being streamed to callers now", multiprocess_mode="livesum"
)
SYNC_RUNS = Counter(
    "unigate_sync_runs_total", "Sync runs that ended, by provider, sync and outcome", ["provider", "sync", "outcome"]
)
SYNC_RECORDS = Counter(
    "unigate_sync_records_total", "Records a sync run added, updated or deleted", ["provider", "sync", "action"]
)
WEBHOOK_DELIVERIES = Counter(
    "unigate_webhook_delivery_attempts_total",
    "Webhooks sent to the customer's app, by type and outcome",
    ["type", "outcome"],
)

CACHE_HIT = CONNECTION_CACHE.labels("hit")
CACHE_STALE = CONNECTION_CACHE.labels("stale")
CACHE_MISS = CONNECTION_CACHE.labels("miss")


def call_outcome(status: int, error: str | None) -> str:
    """The bounded ``outcome`` label of a provider call from its status and the call log's error code."""
    if error == "upstream_unreachable":
        return "unreachable"
    if error == "upstream_timeout":
        return "timeout"
    if status < 400:
        return "ok"
    if status == 429:
        return "rate_limited"
    return "client_error" if status < 500 else "server_error"


def observe_call(provider: str, status: int, duration_ms: float, error: str | None) -> None:
    UPSTREAM_CALLS.labels(provider, call_outcome(status, error)).inc()
    UPSTREAM_SECONDS.labels(provider).observe(duration_ms / 1000)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def registry() -> CollectorRegistry:
    """What to expose: this process's metrics, or every worker's when running multiprocess."""
    from prometheus_client import REGISTRY

    if multiprocess_dir() is None:
        return REGISTRY
    collected = CollectorRegistry()
    MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
    return collected


def render() -> bytes:
    """The metrics in Prometheus' text format."""
    return generate_latest(registry())
