"""Domain errors. Services raise them; the API maps them to HTTP in one exception handler
(``api/app.py``) and the dashboard to its error pages, both by ``status_code``."""

from __future__ import annotations

from http import HTTPStatus


class DomainError(Exception):
    """A request that cannot be served. Each kind names its HTTP status where it is declared
    (``class NotFound(DomainError, status_code=HTTPStatus.NOT_FOUND)``), so none can lack one."""

    status_code: HTTPStatus

    def __init_subclass__(cls, *, status_code: HTTPStatus, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.status_code = status_code

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Invalid(DomainError, status_code=HTTPStatus.BAD_REQUEST):
    """The request means something that cannot be done (a bad decision, a missing reason)."""


class Unauthorised(DomainError, status_code=HTTPStatus.UNAUTHORIZED):
    """No credentials, or ones that are wrong or no longer valid."""


class Forbidden(DomainError, status_code=HTTPStatus.FORBIDDEN):
    """Need to know: this caller may not have this."""


class NotFound(DomainError, status_code=HTTPStatus.NOT_FOUND):
    """No such thing, or one the caller may not open (the two answer alike)."""


class Conflict(DomainError, status_code=HTTPStatus.CONFLICT):
    """The thing exists but is not in a state that allows this (an alert already closed)."""


class TooLarge(DomainError, status_code=HTTPStatus.REQUEST_ENTITY_TOO_LARGE):
    """More records than one request may carry."""


class RateLimited(DomainError, status_code=HTTPStatus.TOO_MANY_REQUESTS):
    """Over a daily quota; ``retry_after`` is the number of seconds until it resets."""

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
