"""Typed errors of the standards core. Each message says what was wrong and what to do (in
English, for logs and as a finding's technical detail); each class names its finding code
(`vc.codes.ErrorCode`), which a check or a page renders from the catalogue."""
from typing import ClassVar

from vc.codes import ErrorCode
from vc.findings import Finding, Param


class VCError(Exception):
    """Base class of every error raised by `vc`. `code` (keyword): a more precise finding code
    than the class's, with its `params`; the message is the finding's technical detail."""

    code: ClassVar[str] = ErrorCode.INVALID

    def __init__(self, *args: object, code: str | None = None, **params: Param) -> None:
        super().__init__(*args)
        self._code = code
        self._params = params

    @property
    def finding(self) -> Finding:
        code = getattr(self, "_code", None) or type(self).code
        return Finding(code, getattr(self, "_params", {}), str(self) or None)


class MalformedInputError(VCError):
    """The input is not a usable JSON document of the expected shape."""

    code = ErrorCode.MALFORMED


class CanonicalizationError(VCError):
    """The document cannot be canonicalized (JCS or RDFC-1.0) exactly."""

    code = ErrorCode.CANONICALIZATION


class ContextError(VCError):
    """A JSON-LD context problem: unknown URL, tampered pinned file, invalid definition."""

    code = ErrorCode.CONTEXT


class UndefinedTermError(ContextError):
    """A property or type is not defined by the document's contexts (safe mode)."""

    code = ErrorCode.UNDEFINED_TERM


class ProtectedTermError(ContextError):
    """A context tries to redefine a protected term."""

    code = ErrorCode.PROTECTED_TERM


class KeyFormatError(VCError):
    """A key or key file is not a valid Ed25519 Multikey."""

    code = ErrorCode.KEY_FORMAT


class ProofError(VCError):
    """A proof cannot be created or is structurally invalid."""

    code = ErrorCode.PROOF


class DIDResolutionError(VCError):
    """A DID cannot be resolved to a usable DID document."""

    code = ErrorCode.DID_RESOLUTION


class FetchError(VCError):
    """A bounded network fetch was refused or failed (scheme, address, size, timeout)."""

    code = ErrorCode.FETCH


class StatusListError(VCError):
    """A Bitstring Status List or entry is invalid."""

    code = ErrorCode.STATUS_LIST


class NotCompactError(ContextError):
    """A document is not in the one compact form its contexts define (a full IRI, a keyword
    or a value object where a term or a plain value belongs, an inline context).

    Such a document can carry the same RDF, and so the same signature, as the compact one,
    while a reader of its JSON keys sees something else: it is refused, never read.
    """

    code = ErrorCode.NOT_COMPACT
