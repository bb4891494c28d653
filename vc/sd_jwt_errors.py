"""The errors of SD-JWT and SD-JWT VC processing, one class per thing that can be wrong, so a
verifier can tell a forged token (signature, digests, key binding) from a malformed one and
say which."""
from vc.codes import ErrorCode
from vc.errors import VCError


class SdJwtError(VCError):
    """Base class: the SD-JWT cannot be accepted."""

    code = ErrorCode.SD_JWT


class SdJwtFormatError(SdJwtError):
    """The serialization, a JWS header (alg, typ, crit) or a claim has the wrong shape."""

    code = ErrorCode.SD_JWT_FORMAT


class SdJwtSignatureError(SdJwtError):
    """The Issuer-signed JWT does not verify, or its key is not the issuer's."""

    code = ErrorCode.SD_JWT_SIGNATURE


class DisclosureError(SdJwtError):
    """A Disclosure is malformed, repeated, not referenced, or clashes with a claim
    (RFC 9901 §7.1 step 3)."""

    code = ErrorCode.SD_JWT_DISCLOSURE


class KeyBindingError(SdJwtError):
    """The Key Binding JWT is missing where required, by another key, or does not match the
    verifier's nonce, audience, time or this presentation (RFC 9901 §7.3)."""

    code = ErrorCode.SD_JWT_KEY_BINDING


class IssuerKeyError(SdJwtSignatureError):
    """The issuer's key could not be established: x5c chain, SAN, or JWT VC Issuer Metadata
    (draft-ietf-oauth-sd-jwt-vc §3.5 and §4)."""

    code = ErrorCode.SD_JWT_ISSUER_KEY


class IssuerKeyUnavailable(IssuerKeyError):
    """The issuer's key could not be fetched (network, timeout): not evidence of forgery."""

    code = ErrorCode.SD_JWT_ISSUER_KEY_UNAVAILABLE
