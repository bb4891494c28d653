"""What the issuer refuses, and why (the message is shown to the officer as it is)."""


class IssuerError(Exception):
    """A request the issuer refuses; the message says why."""


class NotFound(IssuerError):
    """No candidate or credential by the reference given."""
