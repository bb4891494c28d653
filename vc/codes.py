"""What `vc` itself finds, as codes (`vc.findings`): the outcome of a Data Integrity proof and
of the JSON-LD term check, and the kind of every `vc` error. The words for each code live in
the gettext catalogue under the code (web/translations); this module writes none.

A passed, a failed and an unknown outcome are different codes."""
from vc.findings import N_, Code


class ProofCode(Code):
    """One Data Integrity proof (VC Data Integrity 1.0 §4.3 verify proof)."""

    VALID = N_("proof.valid")  # passed: suite, key
    SIGNATURE_MISMATCH = N_("proof.signature-mismatch")  # failed: suite, key
    MISSING = N_("proof.missing")  # failed
    NOT_AN_OBJECT = N_("proof.not-an-object")  # failed
    KEY_UNREACHABLE = N_("proof.key-unreachable")  # unknown: key (detail: why)
    KEY_UNUSABLE = N_("proof.key-unusable")  # failed: key (detail: why)


class TermsCode(Code):
    """Safe mode (VC DM 2.0 §4.1, Data Integrity 1.0 §4.2): every term is defined."""

    DEFINED = N_("terms.defined")  # passed


class DocumentCode(Code):
    NOT_AN_OBJECT = N_("document.not-an-object")  # failed: not a JSON object at all


class ErrorCode(Code):
    """The kind of a `vc` error (`vc.errors`): each error class names one; a failed check
    that an error decided carries the error's finding, with its message as the detail."""

    INVALID = N_("vc.invalid")  # any other error of the standards core
    MALFORMED = N_("input.malformed")
    TOO_LARGE = N_("input.too-large")
    DATA_MODEL = N_("datamodel.invalid")
    CANONICALIZATION = N_("canonicalization.failed")
    CONTEXT = N_("context.refused")
    UNDEFINED_TERM = N_("context.undefined-term")
    PROTECTED_TERM = N_("context.protected-term")
    NOT_COMPACT = N_("context.not-compact")
    KEY_FORMAT = N_("key.malformed")
    PROOF = N_("proof.malformed")
    DID_RESOLUTION = N_("did.unresolvable")
    FETCH = N_("fetch.failed")
    STATUS_LIST = N_("status-list.invalid")
    TOKEN_STATUS_LIST = N_("token-status-list.invalid")
    JWS = N_("jws.invalid")
    JWS_SIGNATURE = N_("jws.signature-mismatch")
    CERTIFICATE_CHAIN = N_("x509.chain-invalid")
    QR_PAYLOAD = N_("qr.unreadable")
    SD_JWT = N_("sd-jwt.invalid")
    SD_JWT_FORMAT = N_("sd-jwt.malformed")
    SD_JWT_SIGNATURE = N_("sd-jwt.signature-invalid")
    SD_JWT_DISCLOSURE = N_("sd-jwt.disclosure-invalid")
    SD_JWT_KEY_BINDING = N_("sd-jwt.key-binding-invalid")
    SD_JWT_ISSUER_KEY = N_("sd-jwt.issuer-key-unknown")
    SD_JWT_ISSUER_KEY_UNAVAILABLE = N_("sd-jwt.issuer-key-unreachable")
    SD_JWT_TYPE_METADATA = N_("sd-jwt.type-metadata-invalid")


class InputCode(Code):
    """What was given to be checked could not be read as a credential (text, a QR code, a
    file): said to the reader before any check runs."""

    EMPTY = N_("input.empty")
    TOO_LONG = N_("input.too-long")  # n (characters)
    NOT_JSON = N_("input.not-json")
    NOT_AN_OBJECT = N_("input.not-an-object")
    NOT_A_CREDENTIAL = N_("input.not-a-credential")  # JSON without a credential's parts
    UNRECOGNISED = N_("input.unrecognised")  # neither a credential, an S4C1: text nor a link
    NOT_S4C_QR = N_("input.not-s4c-qr")
    NO_QR_CODE = N_("input.no-qr-code")
    FILE_TOO_LARGE = N_("input.file-too-large")  # n (MiB)
    IMAGE_FORMAT = N_("input.image-format")  # kind
    NOT_AN_IMAGE = N_("input.not-an-image")
    UNKNOWN_FILE = N_("input.unknown-file")
    PDF_EMPTY = N_("input.pdf-empty")
    PDF_UNREADABLE = N_("input.pdf-unreadable")
    EMPTY_PRESENTATION = N_("input.empty-presentation")
    TOO_DEEP = N_("input.too-deep")
