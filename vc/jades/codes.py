"""The codes of what a JAdES seal check finds (`vc.findings`): each code's words, English
included, are the catalogue's msgstr for the code itself (web/translations/*/messages.po)."""
from vc.findings import N_, Code


class SealCode(Code):
    # the document as a whole (ETSI TS 119 182-1 §5.1: JWS JSON serialisation, RFC 7515 §7.2)
    MALFORMED = N_("seal.malformed")
    # the signature over BASE64URL(protected) || "." || payload (RFC 7797 §3, b64 false)
    SIGNATURE_VALID = N_("seal.signature-valid")
    SIGNATURE_MISMATCH = N_("seal.signature-mismatch")
    ALGORITHM_REFUSED = N_("seal.algorithm-refused")
    # x5t#S256 (RFC 7515 §4.1.8) against the first certificate of x5c
    CERTIFICATE_DIGEST_VALID = N_("seal.certificate-digest-valid")
    CERTIFICATE_DIGEST_MISMATCH = N_("seal.certificate-digest-mismatch")
    # the signature time-stamp, etsiU sigTst (TS 119 182-1 §5.3.4)
    TIMESTAMP_VALID = N_("seal.timestamp-valid")
    TIMESTAMP_MISSING = N_("seal.timestamp-missing")
    TIMESTAMP_IMPRINT_MISMATCH = N_("seal.timestamp-imprint-mismatch")
    TIMESTAMP_SIGNATURE_INVALID = N_("seal.timestamp-signature-invalid")
    TIMESTAMP_TSA_NOT_ANCHORED = N_("seal.timestamp-tsa-not-anchored")
    TIMESTAMP_TSA_ANCHORED = N_("seal.timestamp-tsa-anchored")
    # the content time-stamp, adoTst (TS 119 182-1 §5.2.8.1)
    CONTENT_TIMESTAMP_VALID = N_("seal.content-timestamp-valid")
    CONTENT_TIMESTAMP_IMPRINT_MISMATCH = N_("seal.content-timestamp-imprint-mismatch")
    # the archive time-stamp, etsiU arcTst (§5.5.2): its own signature only
    ARCHIVE_TIMESTAMP_SIGNED = N_("seal.archive-timestamp-signed")
    # the certificate at the time the seal was made (the time-stamp's time)
    CERTIFICATE_VALID_AT_SEAL = N_("seal.certificate-valid-at-seal")
    CERTIFICATE_VALID_NOW = N_("seal.certificate-valid-now")
    CERTIFICATE_EXPIRED_AT_SEAL = N_("seal.certificate-expired-at-seal")
    CERTIFICATE_NOT_YET_VALID_AT_SEAL = N_("seal.certificate-not-yet-valid-at-seal")
    CERTIFICATE_EXPIRED_SINCE = N_("seal.certificate-expired-since")
    # the chain to the trust anchors this deployment holds
    CHAIN_ANCHORED = N_("seal.chain-anchored")
    CHAIN_NOT_ANCHORED = N_("seal.chain-not-anchored")
    CHAIN_INVALID = N_("seal.chain-invalid")
    NO_ANCHORS = N_("seal.no-anchors")
    # QcStatements (ETSI EN 319 412-5) and the trusted list's word on them (TS 119 612)
    QUALIFIED_ESEAL_CLAIMED = N_("seal.qualified-eseal-claimed")
    QUALIFIED_ESEAL_CONFIRMED = N_("seal.qualified-eseal-confirmed")
    QUALIFIED_NOT_ESEAL = N_("seal.qualified-not-eseal")
    NOT_QUALIFIED = N_("seal.not-qualified")
    TRUSTED_LIST_SIGNATURE_NOT_CHECKED = N_("seal.trusted-list-signature-not-checked")
