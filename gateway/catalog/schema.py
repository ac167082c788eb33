"""pydantic models of a providers.yaml entry, in Nango's format: every top-level key and every ``proxy`` key.

Every field is optional here because an override file may set a single key; ``gateway.catalog.validation`` checks
what a complete, resolved entry needs. Models forbid unknown keys; lenient loading (foreign catalogs) turns those
into warnings and keeps the keys.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AUTH_MODES = (
    "OAUTH2", "OAUTH2_CC", "OAUTH1", "API_KEY", "BASIC", "NONE", "TBA", "APP", "CUSTOM", "JWT", "TWO_STEP", "BILL",
    "SIGNATURE", "MCP_OAUTH2", "MCP_OAUTH2_GENERIC", "AWS_SIGV4", "INSTALL_PLUGIN", "APP_STORE", "TABLEAU",
)  # fmt: skip
AuthMode = Literal[
    "OAUTH2", "OAUTH2_CC", "OAUTH1", "API_KEY", "BASIC", "NONE", "TBA", "APP", "CUSTOM", "JWT", "TWO_STEP", "BILL",
    "SIGNATURE", "MCP_OAUTH2", "MCP_OAUTH2_GENERIC", "AWS_SIGV4", "INSTALL_PLUGIN", "APP_STORE", "TABLEAU",
]  # fmt: skip

ENTRY_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FormField(_Strict):
    """One field of a connect form (``connection_config``, ``credentials`` or ``integration_config``)."""

    type: Literal["string"] | None = None
    title: str | None = None
    description: str | None = None
    doc_section: str | None = None
    example: str | None = None
    pattern: str | None = None
    format: Literal["hostname", "uuid", "email", "uri", "url", "date"] | None = None
    order: int | None = None
    secret: bool | None = None
    prefix: str | None = None
    suffix: str | None = None
    enum: list[str] | None = None
    optional: bool | None = None
    automated: bool | None = None
    default_value: str | None = None
    hidden: bool | None = None
    visible_when: dict[str, Any] | None = None
    warnings: dict[str, Any] | None = None


class RetryInBody(_Strict):
    path: str
    value: str
    strategy: Literal["at", "after"]


class Retry(_Strict):
    at: list[str] | None = None
    after: list[str] | None = None
    remaining: str | None = None
    error_code: list[str] | None = None
    in_body: RetryInBody | None = None


class Paginate(_Strict):
    type: Literal["cursor", "link", "offset"] | None = None
    cursor_path_in_response: str | None = None
    cursor_name_in_request: str | None = None
    link_rel_in_response_header: str | None = None
    link_path_in_response_body: str | None = None
    offset_name_in_request: str | None = None
    offset_start_value: int | None = None
    offset_calculation_method: Literal["by-response-size", "per-page"] | None = None
    limit_name_in_request: str | None = None
    response_path: str | None = None


class Verification(_Strict):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] | None = None
    endpoints: list[str] | None = None
    base_url_override: str | None = None
    headers: dict[str, str] | None = None
    data: dict[str, Any] | None = None


class Proxy(_Strict):
    base_url: str | None = None
    headers: dict[str, str] | None = None
    query: dict[str, str] | None = None
    retry: Retry | None = None
    paginate: Paginate | None = None
    verification: Verification | None = None
    decompress: bool | None = None
    connection_config: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    forward_headers_on_redirect: bool | None = None


class TokenResponse(_Strict):
    token: str | None = None
    token_expiration: str | None = None
    token_expiration_strategy: Literal["expireIn", "expireAt"] | None = None
    refresh_token: str | None = None


class ProviderEntry(_Strict):
    """A catalog entry, as written (before overrides are merged and aliases resolved)."""

    # identity and documentation
    display_name: str | None = None
    categories: list[str] | None = None
    docs: str | None = None
    docs_connect: str | None = None
    setup_guide_url: str | None = None
    alias: str | None = None
    # authentication
    auth_mode: AuthMode | None = None
    authorization_url: str | None = None
    token_url: str | dict[str, str] | None = None
    refresh_url: str | None = None
    authorization_params: dict[str, Any] | None = None
    token_params: dict[str, Any] | None = None
    refresh_params: dict[str, Any] | None = None
    default_scopes: list[str] | None = None
    scope_separator: str | None = None
    disable_pkce: bool | None = None
    token_request_auth_method: Literal["basic", "private_key_jwt", "custom"] | None = None
    authorization_method: Literal["header", "body"] | None = None
    body_format: Literal["json", "form", "query", "xml"] | None = None
    token_request_method: Literal["GET", "POST", "PUT"] | None = None
    token_headers: dict[str, str] | None = None
    token_response_metadata: list[str] | None = None
    refresh_token_response_metadata: list[str] | None = None
    redirect_uri_metadata: list[str] | None = None
    token_response_headers: list[str] | None = None
    alternate_access_token_response_path: str | None = None
    token_expiration_buffer: int | None = Field(default=None, ge=0)
    token_expires_in_ms: int | None = Field(default=None, ge=0)
    expires_in_unit: Literal["milliseconds", "seconds"] | None = None
    authorization_url_replacements: dict[str, str] | None = None
    authorization_url_skip_encode: list[str] | None = None
    authorization_url_skip_empty: bool | None = None
    authorization_url_fragment: str | None = None
    authorization_code_param_in_callback: str | None = None
    decode_url: bool | None = None
    token_url_skip_encode: list[str] | None = None
    require_client_certificate: bool | None = None
    auth: dict[str, Any] | None = None
    # forms and per-connection data
    connection_config: dict[str, FormField] | None = None
    credentials: dict[str, FormField] | None = None
    integration_config: dict[str, FormField] | None = None
    connection_configuration: list[str] | None = None
    # server hooks and webhooks (names of logic; in Unigate, plugin hooks)
    post_connection_script: str | None = None
    pre_connection_deletion_script: str | None = None
    pre_connection_creation_script: str | None = None
    credentials_verification_script: str | None = None
    webhook_routing_script: str | None = None
    webhook_user_defined_secret: bool | None = None
    webhook_allowed_query_params: list[str] | None = None
    webhook_response_metadata: list[str] | None = None
    authorization_code_param_in_webhook: str | None = None
    installation: str | None = None
    # mode-specific
    request_url: str | None = None
    request_params: dict[str, Any] | None = None
    signature_method: Literal["HMAC-SHA1", "RSA-SHA1", "PLAINTEXT"] | None = None
    token: dict[str, Any] | None = None
    signature: dict[str, Any] | None = None
    token_response: TokenResponse | None = None
    additional_steps: list[dict[str, Any]] | None = None
    refresh_token_params: dict[str, Any] | None = None
    refresh_token_headers: dict[str, str] | None = None
    assertion: dict[str, Any] | None = None
    assertion_option: dict[str, Any] | None = None
    client_registration: Literal["dynamic", "static", "cimd"] | None = None
    registration_url: str | None = None
    registration_params: dict[str, Any] | None = None
    auth_type: str | None = None
    # the proxy
    proxy: Proxy | None = None


FORM_SECTIONS = ("connection_config", "credentials", "integration_config")
