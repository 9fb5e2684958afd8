"""Domain errors: services raise these, and one handler maps each to its HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    """Input that is well-formed but wrong; ``field`` names the offending field (a JSON pointer path)."""

    status = 422

    def __init__(
        self, message: str, *, field: str | None = None, problems: list[dict[str, str | None]] | None = None
    ) -> None:
        self.field = field
        self.problems = problems or []
        super().__init__(message)


class Malformed(DomainError):
    """The request itself cannot be read (not JSON, not an object)."""

    status = 400
