"""Objects a provider webhook names without their fields (Zendesk triggers, Asana's compact events), fetched
through each connection the event is for, so the records get the object as the provider has it now.

``WebhookResult.refetch`` lists ``(resource, id)`` pairs; each is read with the resource's ``get`` on the
connection (its credentials, retries and SSRF guard, as a unified call). An object the provider no longer has
(404) is marked deleted; one that cannot be read now (a rate limit, an outage, an expired grant) is left to the
next scheduled sync and logged without its text.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from gateway.errors import GatewayError
from gateway.provider import ProviderError, WebhookResult
from gateway.provider.failures import UpstreamFailure
from gateway.registry import ProviderRegistry
from gateway.store.field_mappings import FieldMappings
from gateway.upstream.live import LiveConnections
from gateway.upstream.outbound import Outbound
from gateway.upstream.provider_context import provider_context

logger = logging.getLogger("unigate.webhooks")
MAX_REFETCH = 50  # objects read per connection and event at most: a webhook must not fan out without bound


async def with_refetched(
    live: LiveConnections,
    providers: ProviderRegistry,
    outbound: Outbound,
    field_mappings: FieldMappings,
    integration_key: str,
    connection_id: str,
    result: WebhookResult,
) -> WebhookResult:
    """``result`` with its ``refetch`` pairs read through the connection added to ``changed`` (or ``deleted``)."""
    if not result.refetch:
        return result
    changed: list[tuple[str, Any]] = []
    deleted: list[tuple[str, str]] = []
    try:
        async with provider_context(live, providers, outbound, integration_key, connection_id, field_mappings) as (
            provider,
            ctx,
        ):
            for name, object_id in list(dict.fromkeys(result.refetch))[:MAX_REFETCH]:
                resource = provider.resource(name) if provider is not None else None
                if resource is None or "get" not in type(resource).operations():
                    continue
                try:
                    changed.append((name, await resource.get(ctx, object_id)))
                except (ProviderError, GatewayError) as exc:  # the provider refused this object
                    status = exc.status if isinstance(exc, ProviderError) else exc.status_code
                    if status == 404:
                        deleted.append((name, object_id))
                    else:
                        _skipped(integration_key, connection_id, name, exc)
                except (UpstreamFailure, KeyError, TypeError, ValueError) as exc:
                    _skipped(integration_key, connection_id, name, exc)
    except (GatewayError, UpstreamFailure) as exc:  # the connection itself cannot be used now
        _skipped(integration_key, connection_id, "connection", exc)
    return replace(result, changed=[*result.changed, *changed], deleted=[*result.deleted, *deleted])


def _skipped(integration_key: str, connection_id: str, what: str, exc: Exception) -> None:
    logger.warning(
        "webhook refetch skipped",
        extra={
            "fields": {
                "integration": integration_key,
                "connection": connection_id,
                "resource": what,
                "cause": type(exc).__name__,
            }
        },
    )
