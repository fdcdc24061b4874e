"""Domain errors. Services raise them; the API maps them to HTTP in one exception handler
(``api/app.py``) and the dashboard to its error pages, both by ``status_code``."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Invalid(DomainError):
    """The request means something that cannot be done (a bad decision, a missing reason)."""

    status_code = 400


class Unauthorised(DomainError):
    status_code = 401


class Forbidden(DomainError):
    """Need to know: this caller may not have this."""

    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The thing exists but is not in a state that allows this (an alert already closed)."""

    status_code = 409


class TooLarge(DomainError):
    status_code = 413


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def http_headers(exc: DomainError) -> dict[str, str] | None:
    """The headers HTTP asks for with some of these errors."""
    if isinstance(exc, Unauthorised):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    return None
