"""Errors of the registry service; each message says what was wrong and what to do."""
from dataclasses import dataclass


class RegistryError(Exception):
    """Base class of the registry's errors."""


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field: where it is (a JSON Pointer into the request, RFC 6901) and why."""

    pointer: str
    message: str


class InvalidRecord(RegistryError, ValueError):
    """The input for a record is incomplete or malformed (HTTP 422); `problems` names every
    invalid field when the input was checked as a whole."""

    def __init__(self, message: str, problems: tuple[FieldProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class NotAuthorised(RegistryError):
    """The signing authority is not in charge of this record (HTTP 403)."""


class RecordNotFound(RegistryError, LookupError):
    """No such anchor, authority or credential (HTTP 404)."""


class RecordConflict(RegistryError):
    """The record exists already or was already revoked (HTTP 409)."""
