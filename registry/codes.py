"""What the registry refuses, as codes: the words for each, in every language and
English included, live in the gettext catalogue under the code (`web.plumbing.finding_words`). The
parameters each sentence uses are named next to it; `what` names the field in the API's
terms (`maxEqfLevel`, `name`)."""
from vc.findings import N_, Code


class RegistryCode(Code):
    """Refusals of the registry (its console's forms, its admin API, the command line)."""

    # form and request fields (registry.validation, web.registry.forms, web.registry.admin)
    SLUG_INVALID = N_("registry.slug-invalid")  # value
    COUNTRY_INVALID = N_("registry.country-invalid")  # value
    NOT_A_DID = N_("registry.not-a-did")  # what, value
    NAMES_INVALID = N_("registry.names-invalid")  # what
    TEXT_INVALID = N_("registry.text-invalid")  # what, n
    LEVEL_OUT_OF_RANGE = N_("registry.level-out-of-range")  # what, value
    FRAMEWORK_NOT_A_URL = N_("registry.framework-not-a-url")  # framework
    TOO_MANY_ACHIEVEMENTS = N_("registry.too-many-achievements")  # n
    ACHIEVEMENT_NOT_IN_FRAMEWORK = N_("registry.achievement-not-in-framework")  # id, framework
    TIME_WITHOUT_ZONE = N_("registry.time-without-zone")
    PERIOD_ENDS_BEFORE_START = N_("registry.period-ends-before-start")
    TIME_INVALID = N_("registry.time-invalid")  # what
    DATE_INVALID = N_("registry.date-invalid")  # what
    FIELD_REQUIRED = N_("registry.field-required")  # what
    NOT_A_NUMBER = N_("registry.not-a-number")  # what
    PASSWORD_TOO_SHORT = N_("registry.password-too-short")  # n
    PASSWORD_LENGTH = N_("registry.password-length")  # min, max
    BODY_NOT_JSON = N_("registry.body-not-json")
    # keys of an accredited body (registry.validation, registry.bodies)
    KEYS_TOO_MANY = N_("registry.keys-too-many")  # n
    KEYS_FOR_DID_KEY = N_("registry.keys-for-did-key")
    KEY_ID_NOT_OF_DID = N_("registry.key-id-not-of-did")  # id, did
    KEY_NOT_SHORT = N_("registry.key-not-short")  # id
    KEY_INVALID = N_("registry.key-invalid")  # id; the detail says why
    KEYS_UNREADABLE = N_("registry.keys-unreadable")  # did; the detail says why
    KEY_IDS_NOT_STRINGS = N_("registry.key-ids-not-strings")
    KEY_NOT_OF_BODY = N_("registry.key-not-of-body")  # id, did
    KEY_DIFFERS = N_("registry.key-differs")  # id, did
    # records (registry.service, registry.console_access, registry.store)
    OPERATOR_TAKEN = N_("registry.operator-taken")  # did
    NO_AUTHORITY = N_("registry.no-authority")  # slug
    NO_AUTHORITY_KEY = N_("registry.no-authority-key")  # slug
    SLUG_RESERVED = N_("registry.slug-reserved")  # slug
    SLUG_IS_ANOTHER_DID = N_("registry.slug-is-another-did")  # slug, did
    ANCHOR_ALREADY_REGISTERED = N_("registry.anchor-already-registered")  # did
    NO_ANCHOR = N_("registry.no-anchor")  # anchor
    NOT_AN_ANCHOR_NOW = N_("registry.not-an-anchor-now")  # anchor
    REPLACES_OTHER_BODY = N_("registry.replaces-other-body")  # id, body, did
    NO_DECISION_TO_REPLACE = N_("registry.no-decision-to-replace")  # country, achievement
    DECISION_EXISTS = N_("registry.decision-exists")  # country, achievement, current
    NOT_CURRENT_DECISION = N_("registry.not-current-decision")  # id, country, achievement, current
    NO_OPERATOR = N_("registry.no-operator")
    ONLY_OPERATOR = N_("registry.only-operator")  # did
    NO_AUTHORITY_RECORD = N_("registry.no-authority-record")  # did
    CANNOT_SIGN = N_("registry.cannot-sign")  # did; the detail says why
    KEY_DOES_NOT_SIGN = N_("registry.key-does-not-sign")  # did; the detail says why
    NOT_AN_AUTHORITY = N_("registry.not-an-authority")  # did
    NO_RECORD = N_("registry.no-record")  # kind, id
    ONLY_ITS_ISSUER = N_("registry.only-its-issuer")  # did, kind, id
    ALREADY_REVOKED = N_("registry.already-revoked")  # kind, id
    BODY_REGISTERED_MEANWHILE = N_("registry.body-registered-meanwhile")  # did
    NEITHER_OPERATOR_NOR_ANCHOR = N_("registry.neither-operator-nor-anchor")  # actor, did
    STATUS_LIST_HALF_FULL = N_("registry.status-list-half-full")  # did
    CONCURRENT_CHANGE = N_("registry.concurrent-change")
    DECISION_RECORDED_MEANWHILE = N_("registry.decision-recorded-meanwhile")  # country, achievement
    REPLACES_NOT_AN_ID = N_("registry.replaces-not-an-id")  # kind
    ROLE_UNKNOWN = N_("registry.role-unknown")  # roles
