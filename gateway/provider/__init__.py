"""The one module a provider plugin imports from: the contract, the hook marker, and the plugin kit.

- contract: ``Provider`` (``catalog_keys``, ``resources``, ``actions``, connection events),
  ``Resource[Model, Create, Update]`` (``filters``, ``fields``), ``Action[Input, Output]``, ``ProviderContext``,
  ``ListQuery``, ``ResourcePage``, ``Written``;
- kit: ``paginate`` (the catalog's ``proxy.paginate``), ``ErrorTable``/``raise_for_answer`` (provider errors to
  API errors), ``parse_time``/``format_time``;
- ``hookimpl`` for ``register_providers`` and the other hooks (see ``gateway.hookspecs``).
"""

from gateway.provider.classification import ErrorResolution, Failure, RetryAction, UpstreamError
from gateway.provider.contract import (
    ENVELOPE_FIELDS,
    LIST_FILTERS,
    OPERATIONS,
    Action,
    ListQuery,
    Provider,
    ProviderContext,
    Resource,
    ResourcePage,
    Written,
    unsettable,
)
from gateway.provider.error_table import DEFAULT_TABLE, ErrorRule, ErrorTable, body_of, raise_for_answer
from gateway.provider.failures import (
    OutsideBaseUrl,
    RateLimited,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnauthorized,
    UpstreamUnavailable,
    UpstreamUnreachable,
)
from gateway.provider.markers import PROJECT_NAME, hookimpl
from gateway.provider.mode_refusals import refuse_modified_after
from gateway.provider.pagination import Page, Paging, paginate, with_cursor
from gateway.provider.refusals import CredentialsRejected, NotSupported, ProviderError, unsupported_filter
from gateway.provider.syncs import Sync
from gateway.provider.times import format_time, parse_time
from gateway.provider.tokens import RefreshedTokens, TokenRefresh
from gateway.provider.webhooks import (
    IncomingWebhook,
    WebhookRejected,
    WebhookResult,
    hmac_sha256_hex,
    json_object,
    require_signature,
    secret_of,
)

__all__ = [
    "json_object",
    "secret_of",
    "require_signature",
    "hmac_sha256_hex",
    "WebhookResult",
    "WebhookRejected",
    "IncomingWebhook",
    "DEFAULT_TABLE",
    "ENVELOPE_FIELDS",
    "LIST_FILTERS",
    "OPERATIONS",
    "PROJECT_NAME",
    "Action",
    "CredentialsRejected",
    "ErrorResolution",
    "ErrorRule",
    "ErrorTable",
    "Failure",
    "ListQuery",
    "NotSupported",
    "OutsideBaseUrl",
    "Page",
    "Paging",
    "Provider",
    "ProviderContext",
    "ProviderError",
    "RateLimited",
    "RetryAction",
    "RefreshedTokens",
    "Resource",
    "ResourcePage",
    "Sync",
    "TokenRefresh",
    "UpstreamError",
    "UpstreamFailure",
    "UpstreamTimeout",
    "UpstreamUnauthorized",
    "UpstreamUnavailable",
    "UpstreamUnreachable",
    "Written",
    "body_of",
    "format_time",
    "hookimpl",
    "paginate",
    "parse_time",
    "raise_for_answer",
    "refuse_modified_after",
    "unsettable",
    "unsupported_filter",
    "with_cursor",
]
