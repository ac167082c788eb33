"""Connection credentials by type, as Nango's API imports and returns them.

Each model is what ``POST /connections`` accepts in ``credentials``; the whole object is stored encrypted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

HEADER_BREAKERS = ("\r", "\n", "\x00")
# Fields of free-form credentials (JWT, TWO_STEP, ...) that Unigate sends in headers as they are.
OPAQUE_HEADER_FIELDS = ("token", "access_token", "apiKey")


def single_line(value: str) -> str:
    """Refuse CR, LF and NUL: a value sent in an HTTP header can never contain them."""
    if any(c in value for c in HEADER_BREAKERS):
        raise ValueError("contains a line break (CR or LF) or NUL; send the value exactly as the provider issued it")
    return value


Secret = Annotated[str, StringConstraints(min_length=1, max_length=65_536), AfterValidator(single_line)]

# The credential type a connection holds, for each catalog auth mode.
CREDENTIAL_TYPE_FOR_AUTH_MODE = {
    "OAUTH2": "OAUTH2",
    "MCP_OAUTH2": "OAUTH2",
    "MCP_OAUTH2_GENERIC": "OAUTH2",
    "OAUTH2_CC": "OAUTH2_CC",
    "OAUTH1": "OAUTH1",
    "API_KEY": "API_KEY",
    "BASIC": "BASIC",
    "NONE": "NONE",
    "TBA": "TBA",
    "APP": "APP",
    "CUSTOM": "CUSTOM",
    "JWT": "JWT",
    "TWO_STEP": "TWO_STEP",
    "BILL": "BILL",
    "SIGNATURE": "SIGNATURE",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OAuth2Credentials(_Strict):
    type: Literal["OAUTH2"]
    access_token: Secret
    refresh_token: Secret | None = None
    expires_at: AwareDatetime | None = Field(default=None, description="When the access token expires (ISO-8601)")
    no_expiration: bool = Field(default=False, description="The token never expires; expires_at may be omitted")
    raw: dict[str, Any] = Field(default_factory=dict, description="The provider's token response")


class OAuth2ClientCredentials(_Strict):
    type: Literal["OAUTH2_CC"]
    token: Secret
    expires_at: AwareDatetime | None = None
    client_id: Secret
    client_secret: Secret
    raw: dict[str, Any] = Field(default_factory=dict)


class OAuth1Credentials(_Strict):
    type: Literal["OAUTH1"]
    oauth_token: Secret
    oauth_token_secret: Secret
    raw: dict[str, Any] = Field(default_factory=dict)


class ApiKeyCredentials(_Strict):
    type: Literal["API_KEY"]
    apiKey: Secret


class BasicCredentials(_Strict):
    type: Literal["BASIC"]
    username: Annotated[str, StringConstraints(max_length=4096), AfterValidator(single_line)]
    password: Annotated[str, StringConstraints(max_length=65_536), AfterValidator(single_line)] = ""


class NoCredentials(_Strict):
    type: Literal["NONE"]


class TbaCredentials(_Strict):
    type: Literal["TBA"]
    token_id: Secret
    token_secret: Secret


class AppCredentials(_Strict):
    type: Literal["APP"]
    access_token: Secret
    expires_at: AwareDatetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict)


class OpaqueCredentials(BaseModel):
    """Modes whose fields vary by provider (JWT, TWO_STEP, ...): every field is kept, all encrypted."""

    model_config = ConfigDict(extra="allow")
    type: Literal["CUSTOM", "JWT", "TWO_STEP", "BILL", "SIGNATURE"]
    expires_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _tokens_fit_in_a_header(self) -> OpaqueCredentials:
        for name in OPAQUE_HEADER_FIELDS:
            value = (self.model_extra or {}).get(name)
            if isinstance(value, str):
                try:
                    single_line(value)
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from None
        return self


Credentials = Annotated[
    OAuth2Credentials
    | OAuth2ClientCredentials
    | OAuth1Credentials
    | ApiKeyCredentials
    | BasicCredentials
    | NoCredentials
    | TbaCredentials
    | AppCredentials
    | OpaqueCredentials,
    Field(discriminator="type"),
]

# Fields of stored credentials returned only when the caller asks for them (``refresh_token=true``).
ON_REQUEST_FIELDS = {"refresh_token"}


def expiry_of(credentials: BaseModel) -> datetime | None:
    value = getattr(credentials, "expires_at", None)
    return value if isinstance(value, datetime) else None
