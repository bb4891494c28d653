"""Errors of the registry service, as findings (`registry.codes`): a code with typed
parameters and, where a lower layer said why, a technical detail. The registry writes no
sentence for people; the web layer and the command line say the code from the catalogue."""
from dataclasses import dataclass

from vc.findings import Finding, FindingError, Param


class RegistryError(FindingError):
    """Base class of the registry's errors; `.finding` says what was refused and why."""

    def __init__(self, code: str | Finding, detail: str | None = None, **params: Param) -> None:
        super().__init__(code if isinstance(code, Finding) else Finding(code, params, detail))


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field: where it is (a JSON Pointer into the request, RFC 6901) and why
    (a finding)."""

    pointer: str
    finding: Finding


class InvalidRecord(RegistryError, ValueError):
    """The input for a record is incomplete or malformed (HTTP 422); `problems` names every
    invalid field when the input was checked as a whole."""

    def __init__(self, code: str | Finding, detail: str | None = None,
                 problems: tuple[FieldProblem, ...] = (), **params: Param) -> None:
        super().__init__(code, detail, **params)
        self.problems = problems


class NotAuthorised(RegistryError):
    """The signing authority is not in charge of this record (HTTP 403)."""


class RecordNotFound(RegistryError, LookupError):
    """No such anchor, authority or credential (HTTP 404)."""


class RecordConflict(RegistryError):
    """The record exists already or was already revoked (HTTP 409)."""
