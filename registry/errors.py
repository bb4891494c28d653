"""Errors of the registry service; each message says what was wrong and what to do."""


class RegistryError(Exception):
    """Base class of the registry's errors."""


class InvalidRecord(RegistryError, ValueError):
    """The input for a record is incomplete or malformed (HTTP 422)."""


class NotAuthorised(RegistryError):
    """The signing authority is not in charge of this record (HTTP 403)."""


class RecordNotFound(RegistryError, LookupError):
    """No such anchor, authority or credential (HTTP 404)."""


class RecordConflict(RegistryError):
    """The record exists already or was already revoked (HTTP 409)."""
