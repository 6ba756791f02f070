"""Who is acting and from where, for the request being handled (set by the middleware)."""

from contextvars import ContextVar

client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)
