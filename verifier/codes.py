"""What the verifier's checks find, as codes (`vc.findings`), one enum per check. The words
for each code live in the gettext catalogue under the code (web/translations); the verifier
writes none. A passed, a failed and an unknown outcome are different codes, and
the comment beside each names its outcome and its parameters."""
from vc.findings import N_, Code


class StructureCode(Code):
    CREDENTIAL = N_("structure.credential")  # passed: version
    MALFORMED = N_("structure.malformed")  # failed (detail: the data model's problems)
    SD_JWT_VC = N_("structure.sd-jwt-vc")  # passed: vct
    PRESENTATION = N_("structure.presentation")  # passed
    PRESENTATION_MALFORMED = N_("structure.presentation-malformed")  # failed (detail)
    RECEIPT = N_("structure.receipt")  # passed: verifier
    NOT_A_RECEIPT = N_("structure.not-a-receipt")  # failed
    RECEIPT_NO_VERIFIER = N_("structure.receipt-no-verifier")  # failed
    RECEIPT_UNSIGNED = N_("structure.receipt-unsigned")  # failed
    RECEIPT_OTHER_KEY = N_("structure.receipt-other-key")  # failed: key, verifier


class SchemaCode(Code):
    NONE_NAMED = N_("schema.none-named")  # passed
    NONE_INSTALLED = N_("schema.none-installed")  # unknown
    MISMATCH = N_("schema.mismatch")  # failed: schema (detail: the validator's errors)
    NOT_HELD = N_("schema.not-held")  # unknown: schema
    MATCHES = N_("schema.matches")  # passed: schema


class FactsCode(Code):
    AMBIGUOUS = N_("facts.ambiguous")  # failed (detail: which facts)


class KeyBindingCode(Code):
    """The issuer's own key made a proof (DID Core §5.3.1 assertionMethod); for an SD-JWT VC,
    the holder's key binding (RFC 9901 §4.3)."""

    NO_ISSUER = N_("key-binding.no-issuer")  # failed
    NO_PROOF = N_("key-binding.no-proof")  # failed
    ISSUER_KEY = N_("key-binding.issuer-key")  # passed: issuer
    KEYS_UNREACHABLE = N_("key-binding.keys-unreachable")  # unknown (detail)
    NOT_ISSUER_KEY = N_("key-binding.not-issuer-key")  # failed: issuer (detail: why)
    HOLDER_PRESENT = N_("key-binding.holder-present")  # passed (a nonce was asked for)
    HOLDER_SIGNED = N_("key-binding.holder-signed")  # passed (info: no nonce was asked for)
    ABSENT = N_("key-binding.absent")  # unknown (info)


class SdJwtCode(Code):
    """An SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.5, RFC 9901 §7)."""

    SIGNED_PER_METADATA = N_("proof.sd-jwt-issuer-metadata")  # passed: issuer
    SIGNED_PER_X509 = N_("proof.sd-jwt-x509")  # passed: issuer, anchor
    DISCLOSURES_MATCH = N_("disclosures.match")  # passed: n


class RoleStackCode(Code):
    """VC DM 2.0 §5.3 relatedResource: a role credential's unit credentials."""

    TOO_MANY = N_("role-stack.too-many")  # failed: n
    NOT_SUPPLIED = N_("role-stack.not-supplied")  # unknown (info): n
    DIGEST_DIFFERS = N_("role-stack.digest-differs")  # failed: id
    OTHER_ISSUER = N_("role-stack.other-issuer")  # failed: id
    UNIT_FAILED = N_("role-stack.unit-failed")  # failed: id (detail: the unit's finding)
    UNIT_UNKNOWN = N_("role-stack.unit-unknown")  # unknown: id (detail: the unit's finding)
    ALL_VERIFY = N_("role-stack.all-verify")  # passed: n
    SOME_SUPPLIED = N_("role-stack.some-supplied")  # unknown (info): n, missing


class ValidityCode(Code):
    """VC DM 2.0 §4.9 validity period."""

    NOT_YET = N_("validity.not-yet")  # failed: date
    EXPIRED = N_("validity.expired")  # failed: date
    NO_EXPIRY = N_("validity.no-expiry")  # passed
    UNTIL = N_("validity.until")  # passed: date


class StatusCode(Code):
    """Bitstring Status List v1.0 §3.2; the IETF Token Status List for an SD-JWT VC. A list
    kept by another DID than the credential's issuer (§2.2 allows it) has its own codes."""

    NONE = N_("status.none")  # passed
    UNSUPPORTED_TYPE = N_("status.unsupported-type")  # unknown: type
    REVOCATION_UNREACHABLE = N_("status.revocation-unreachable")  # unknown (detail)
    SUSPENSION_UNREACHABLE = N_("status.suspension-unreachable")  # unknown (detail)
    REVOKED = N_("status.revoked")  # failed
    SUSPENDED = N_("status.suspended")  # failed
    NOT_REVOKED = N_("status.not-revoked")  # passed
    NOT_SUSPENDED = N_("status.not-suspended")  # passed
    REVOKED_BY_LIST_KEEPER = N_("status.revoked-by-list-keeper")  # failed: keeper
    SUSPENDED_BY_LIST_KEEPER = N_("status.suspended-by-list-keeper")  # failed: keeper
    NOT_REVOKED_BY_LIST_KEEPER = N_("status.not-revoked-by-list-keeper")  # passed: keeper
    NOT_SUSPENDED_BY_LIST_KEEPER = N_("status.not-suspended-by-list-keeper")  # passed: keeper
    TOKEN_UNREACHABLE = N_("status.token-unreachable")  # unknown (detail)
    TOKEN_VALID = N_("status.token-valid")  # passed
    TOKEN_OTHER = N_("status.token-other")  # unknown: value


class IssuerTrustCode(Code):
    NO_SOURCE = N_("issuer-trust.no-source")  # unknown
    REGISTRY_UNREACHABLE = N_("issuer-trust.registry-unreachable")  # unknown (detail)
    NOT_NAMEABLE = N_("issuer-trust.not-nameable")  # unknown: issuer
    NOT_REGISTERED = N_("issuer-trust.not-registered")  # failed: issuer
    NO_ACHIEVEMENT = N_("issuer-trust.no-achievement")  # failed
    ACCREDITED_AT_LEVEL = N_("issuer-trust.accredited-at-level")  # passed: body, anchor,
    # country, level, date
    ACCREDITED = N_("issuer-trust.accredited")  # passed: body, anchor, country, date
    NOT_ACCREDITED = N_("issuer-trust.not-accredited")  # failed: body, achievement, date
    NOT_ACCREDITED_AT_LEVEL = N_("issuer-trust.not-accredited-at-level")  # failed: body,
    # achievement, level, date


class RecognitionCode(Code):
    NO_COUNTRY = N_("recognition.no-country")  # unknown (info)
    NO_REGISTRY = N_("recognition.no-registry")  # unknown (info)
    REGISTRY_UNREACHABLE = N_("recognition.registry-unreachable")  # unknown (info, detail)
    NONE_RECORDED = N_("recognition.none-recorded")  # unknown (info): country
    RECOGNISED = N_("recognition.recognised")  # passed: country, nqf, eqf, note


class PresentationCode(Code):
    """VC DM 2.0 §4.13; Data Integrity 1.0 §2.1 challenge and domain; the holder."""

    NO_CHALLENGE_EXPECTED = N_("challenge.none-expected")  # failed
    OTHER_CHALLENGE = N_("challenge.other")  # failed
    CHALLENGE_NOT_USED = N_("challenge.not-used")  # failed: the proof does not verify
    CHALLENGE_REPLAYED = N_("challenge.replayed")  # failed
    CHALLENGE_EXPIRED = N_("challenge.expired")  # failed
    CHALLENGE_UNKNOWN = N_("challenge.not-issued")  # failed
    CHALLENGE_ACCEPTED = N_("challenge.accepted")  # passed
    DOMAIN_MATCHES = N_("domain.matches")  # passed: domain
    OTHER_DOMAIN = N_("domain.other")  # failed: domain
    HOLDER_SIGNED = N_("holder.signed")  # passed: signer
    NOT_HOLDER = N_("holder.other-signer")  # failed: signer, holder
    SUBJECT_PRESENTED = N_("holder-binding.subject-presented")  # passed: presenter
    NOT_SUBJECT = N_("holder-binding.not-subject")  # failed: presenter, subject
    PRESENTER_NOT_SUBJECT = N_("holder-binding.presenter-not-subject")  # unknown (info):
    # presenter, subject
    PRESENTER = N_("holder-binding.presenter")  # passed (info): presenter


class ReceiptCode(Code):
    """A verification receipt (`verifier.receipts`)."""

    EXPECTED_VERIFIER = N_("receipt-verifier.expected")  # passed: verifier, key
    OTHER_VERIFIER = N_("receipt-verifier.other")  # failed: signer, key, verifier


class LegacyCode(Code):
    """A check kept before findings were codes (its English reason is the detail)."""

    PASSED = N_("legacy.passed")
    FAILED = N_("legacy.failed")
    UNKNOWN = N_("legacy.unknown")


class RefusalCode(Code):
    """Why a wallet's answer to an OpenID4VP request was refused (`verifier.oid4vp_answers`);
    the English reason stays the technical detail (and the wallet's `error_description`)."""

    ANOTHER_REQUEST = N_("vp-refusal.another-request")
    CLAIMS_MISSING = N_("vp-refusal.claims-missing")
    NOT_FOR_THIS_REQUEST = N_("vp-refusal.not-for-this-request")
    OTHER_TYPE = N_("vp-refusal.other-type")
    UNREADABLE = N_("vp-refusal.unreadable")
    CREDENTIAL_NOT_VALID = N_("vp-refusal.credential-not-valid")
    WALLET_DECLINED = N_("vp-refusal.wallet-declined")
    AS_RECORDED = N_("vp-refusal.as-recorded")  # kept before refusals were codes
