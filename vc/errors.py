"""Typed errors of the standards core. Each message says what was wrong and what to do."""


class VCError(Exception):
    """Base class of every error raised by `vc`."""


class MalformedInputError(VCError):
    """The input is not a usable JSON document of the expected shape."""


class CanonicalizationError(VCError):
    """The document cannot be canonicalized (JCS or RDFC-1.0) exactly."""


class ContextError(VCError):
    """A JSON-LD context problem: unknown URL, tampered pinned file, invalid definition."""


class UndefinedTermError(ContextError):
    """A property or type is not defined by the document's contexts (safe mode)."""


class ProtectedTermError(ContextError):
    """A context tries to redefine a protected term."""


class KeyFormatError(VCError):
    """A key or key file is not a valid Ed25519 Multikey."""


class ProofError(VCError):
    """A proof cannot be created or is structurally invalid."""


class DIDResolutionError(VCError):
    """A DID cannot be resolved to a usable DID document."""


class FetchError(VCError):
    """A bounded network fetch was refused or failed (scheme, address, size, timeout)."""


class StatusListError(VCError):
    """A Bitstring Status List or entry is invalid."""


class NotCompactError(ContextError):
    """A document is not in the one compact form its contexts define (a full IRI, a keyword
    or a value object where a term or a plain value belongs, an inline context).

    Such a document can carry the same RDF, and so the same signature, as the compact one,
    while a reader of its JSON keys sees something else: it is refused, never read.
    """
