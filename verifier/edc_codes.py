"""The codes of what the verifier finds in a European Digital Credential beside its seal
(`vc.findings`; the seal's own codes are in `vc.jades.codes`)."""
from vc.findings import N_, Code


class EdcCode(Code):
    # what the seal covers: a VC Data Model 1.1 document of type EuropeanDigitalCredential
    IS_EDC = N_("edc.is-edc")
    NOT_AN_EDC = N_("edc.not-an-edc")
    # validFrom / validUntil (VC Data Model 1.1 §7.1 expirationDate, ELM validUntil)
    VALIDITY_CURRENT = N_("edc.validity-current")
    VALID_UNTIL = N_("edc.valid-until")
    EXPIRED = N_("edc.expired")
    NOT_YET_VALID = N_("edc.not-yet-valid")
    # the issuer the credential names and the sealer the certificate names
    ISSUER_IS_SEALER = N_("edc.issuer-is-sealer")
    ISSUER_IS_NOT_SEALER = N_("edc.issuer-is-not-sealer")
    ISSUER_IDENTIFIER_ABSENT = N_("edc.issuer-identifier-absent")
    # the format: SHACL shapes of the EDC profile (ELM 3.2, EDC-generic-no-cv.ttl)
    FORMAT_CONFORMS = N_("edc.format-conforms")
    FORMAT_NOT_CHECKED = N_("edc.format-not-checked")
    FORMAT_VIOLATION = N_("edc.format-violation")  # any other SHACL constraint
    FORMAT_MISSING = N_("edc.format-missing")  # sh:minCount
    FORMAT_TOO_MANY = N_("edc.format-too-many")  # sh:maxCount
    FORMAT_WRONG_KIND = N_("edc.format-wrong-kind")  # sh:datatype, sh:class, sh:nodeKind
    FORMAT_UNDEFINED_TERM = N_("edc.format-undefined-term")  # a term no context defines
    FORMAT_UNREADABLE = N_("edc.format-unreadable")  # not JSON-LD the pinned contexts read
