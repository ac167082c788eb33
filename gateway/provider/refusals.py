"""Exceptions a plugin raises to refuse: an operation it lacks, a provider answer with a meaning, bad credentials."""

from __future__ import annotations


class NotSupported(Exception):
    """An operation the provider cannot do; the API answers 501 naming provider and operation."""

    def __init__(self, provider: str, operation: str) -> None:
        super().__init__(f"{provider} does not support {operation}")
        self.provider = provider
        self.operation = operation


class ProviderError(Exception):
    """A provider answer a resource script turns into an API error that keeps its meaning.

    ``status`` is the status Unigate answers (404 for an object the provider does not have, 422 for a value it
    refuses, 400 for a query it cannot serve), ``code`` the error code, ``field`` the unified field at fault if known.
    """

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class CredentialsRejected(Exception):
    """Raised by ``Provider.verify_credentials`` (or ``refresh_tokens``) when the provider refuses the credentials."""


def unsupported_filter(field: str, message: str) -> ProviderError:
    """A 400 ``invalid_query_params`` for a list filter missing or unusable (e.g. a list that needs one); ``message``
    says why and the fix."""
    return ProviderError(400, "invalid_query_params", f"{field}: {message}", field=field)
