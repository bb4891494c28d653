"""What the issuer refuses, as codes: each member names one refusal; its words, in
every language, live in the gettext catalogue under the code itself (`web.plumbing.finding_words`).

The parameters a code's sentence uses are named next to it. A cohort row error is a finding
with one more parameter, `line` (the line of the cohort file), whatever its code.
"""
from vc.findings import N_, Code


class IssuerCode(Code):
    """Refusals of the issuer's services (console, certification API, VC-API, command line)."""

    # candidates (issuer.candidates, issuer.wallet_issuing, web.holder.mail)
    NOT_AN_EMAIL = N_("issuer.not-an-email")  # email
    CANDIDATE_NEEDS_NAME = N_("issuer.candidate-needs-name")
    NOT_A_DID = N_("issuer.not-a-did")  # did, syntax
    NO_CANDIDATE = N_("issuer.no-candidate")  # ref
    NO_CANDIDATE_WITH_EMAIL = N_("issuer.no-candidate-with-email")  # email
    NO_ACTIVE_CREDENTIAL_TO_OFFER = N_("issuer.no-active-credential-to-offer")  # email
    NO_ACTIVE_CREDENTIAL_WITH_ID = N_("issuer.no-active-credential-with-id")  # id
    # assessments and rules (issuer.assessments, issuer.rules)
    UNIT_NOT_IN_FRAMEWORK = N_("issuer.unit-not-in-framework")  # unit, framework
    MAX_SCORE_NOT_POSITIVE = N_("issuer.max-score-not-positive")  # unit
    SCORE_OUT_OF_RANGE = N_("issuer.score-out-of-range")  # unit, score, max
    ASSESSMENT_IN_FUTURE = N_("issuer.assessment-in-future")  # date
    # voiding an assessment (issuer.voiding)
    VOID_REASON_REQUIRED = N_("issuer.void-reason-required")
    VOID_REASON_TOO_LONG = N_("issuer.void-reason-too-long")  # n
    VOID_REASON_HAS_NUL = N_("issuer.void-reason-has-nul")
    NO_ASSESSMENT = N_("issuer.no-assessment")  # ref
    ALREADY_VOIDED = N_("issuer.already-voided")  # attempt, unit, by, date, reason
    VOIDED_JUST_NOW = N_("issuer.voided-just-now")  # attempt, unit
    # revocation and suspension (issuer.lifecycle)
    NO_CREDENTIAL = N_("issuer.no-credential")  # id
    # European Digital Credentials (issuer.edc)
    EDC_NOT_COUNTING = N_("issuer.edc-not-counting")  # id, state
    EDC_NOT_IN_FRAMEWORK = N_("issuer.edc-not-in-framework")  # id, achievement
    EDC_SEAL_FAILED = N_("issuer.edc-seal-failed")  # id (detail: why)
    ALREADY_REVOKED = N_("issuer.already-revoked")  # id
    REVOKED_CANNOT_BE_SUSPENDED = N_("issuer.revoked-cannot-be-suspended")  # id
    ALREADY_SUSPENDED = N_("issuer.already-suspended")  # id
    REVOKED_NEVER_REINSTATED = N_("issuer.revoked-never-reinstated")  # id
    NOT_SUSPENDED = N_("issuer.not-suspended")  # id
    REVOKED_NOT_ISSUABLE = N_("issuer.revoked-not-issuable")
    # share links (issuer.shares)
    SHARE_EXPIRY_NOT_AFTER_TODAY = N_("issuer.share-expiry-not-after-today")
    SHARE_EXPIRY_TOO_FAR = N_("issuer.share-expiry-too-far")
    # cohort jobs and exports (issuer.cohort_jobs, issuer.cohort_export)
    NO_COHORT_JOB = N_("issuer.no-cohort-job")  # job
    COHORT_JOB_STILL_RUNNING = N_("issuer.cohort-job-still-running")
    # compact QR summaries (issuer.qr_summary)
    SUMMARY_NO_SUBJECT = N_("issuer.summary-no-subject")
    SUMMARY_NOT_ITS_ISSUER = N_("issuer.summary-not-its-issuer")  # issuer
    SUMMARY_NOT_AS_ISSUED = N_("issuer.summary-not-as-issued")  # id
    # the VC-API issuer (issuer.requested_credentials, issuer.requested_fields); `pointer`
    # names the refused field (RFC 6901), the detail says the rest in English
    REQUEST_NOT_OPEN_BADGE = N_("issuer.request-not-open-badge")
    REQUEST_NO_ACHIEVEMENT = N_("issuer.request-no-achievement")
    REQUEST_UNKNOWN_ACHIEVEMENT = N_("issuer.request-unknown-achievement")  # id, framework
    REQUEST_ACHIEVEMENT_DIFFERS = N_("issuer.request-achievement-differs")
    REQUEST_SUBJECT_NOT_A_DID = N_("issuer.request-subject-not-a-did")
    REQUEST_NO_CANDIDATE_WITH_DID = N_("issuer.request-no-candidate-with-did")  # did
    REQUEST_ID_NOT_URN_UUID = N_("issuer.request-id-not-urn-uuid")
    REQUEST_NOT_A_DATETIME = N_("issuer.request-not-a-datetime")
    REQUEST_ISSUER_ASSIGNED = N_("issuer.request-issuer-assigned")
    REQUEST_ID_TAKEN = N_("issuer.request-id-taken")  # id
    ROLE_NOT_CERTIFIED = N_("issuer.role-not-certified")  # item (a role)
    RESULT_NOT_PASSED = N_("issuer.result-not-passed")  # item (a unit)
    ROLE_DECIDED_WITHOUT_UNITS = N_("issuer.role-decided-without-units")  # role, units
    UNIT_DECIDED_WITHOUT_PASS = N_("issuer.unit-decided-without-pass")  # unit
    ALREADY_ISSUED = N_("issuer.already-issued")  # id
    REQUEST_DIFFERS = N_("issuer.request-differs")  # pointer
    REQUEST_FIELD_NOT_GIVEN = N_("issuer.request-field-not-given")  # pointer
    REQUEST_VALUE_NOT_ALLOWED = N_("issuer.request-value-not-allowed")  # pointer
    REQUEST_ISSUER_NAME = N_("issuer.request-issuer-name")  # pointer
    REQUEST_VALID_FROM = N_("issuer.request-valid-from")  # pointer
    REQUEST_VALID_UNTIL = N_("issuer.request-valid-until")  # pointer


class WalletCode(Code):
    """Why the issuer refuses a wallet's authorization request (OpenID4VCI §5 over RFC 9126
    and RFC 6749 §4.1.2.1): the holder reads the last four on the consent page."""

    RESPONSE_TYPE_NOT_CODE = N_("wallet.response-type-not-code")
    PKCE_REQUIRED = N_("wallet.pkce-required")
    REQUEST_URI_PUSHED = N_("wallet.request-uri-pushed")
    NO_CREDENTIALS_NAMED = N_("wallet.no-credentials-named")
    OFFER_USED_OR_EXPIRED = N_("wallet.offer-used-or-expired")
    OFFER_FOR_SOMEONE_ELSE = N_("wallet.offer-for-someone-else")
    NOTHING_TO_GRANT = N_("wallet.nothing-to-grant")
    ALREADY_ANSWERED = N_("wallet.already-answered")


class CohortCode(Code):
    """Errors of a cohort file (issuer.batch, issuer.cohort_issuing): each carries `line`."""

    ROW = N_("cohort.row")  # line, reason: how any row error is said ("line 3: ...")
    FILE_HAS_NUL = N_("cohort.file-has-nul")
    HEADER_LACKS_COLUMNS = N_("cohort.header-lacks-columns")  # missing, expected
    TOO_MANY_ROWS = N_("cohort.too-many-rows")  # n
    ROW_UNREADABLE = N_("cohort.row-unreadable")  # error (the CSV reader's, English)
    FIELD_TOO_LONG = N_("cohort.field-too-long")  # column, n
    FIELD_EMPTY = N_("cohort.field-empty")  # column
    SCORE_NOT_A_NUMBER = N_("cohort.score-not-a-number")  # score, max
    SCORE_NOT_FINITE = N_("cohort.score-not-finite")  # score, max
    DATE_NOT_ISO = N_("cohort.date-not-iso")  # value
    # a row error stored before findings existed (migration i0013): reason, in English
    AS_RECORDED = N_("cohort.as-recorded")
    COULD_NOT_ISSUE = N_("cohort.could-not-issue")  # error (technical, English)
    # what a dry run says a row would do (issuer.cohort_preview); `attempt` from the second
    PREVIEW_PASSED = N_("cohort.preview-passed")
    PREVIEW_PASSED_ATTEMPT = N_("cohort.preview-passed-attempt")  # attempt
    PREVIEW_NOT_PASSED = N_("cohort.preview-not-passed")
    PREVIEW_NOT_PASSED_ATTEMPT = N_("cohort.preview-not-passed-attempt")  # attempt
    PREVIEW_ALREADY_RECORDED = N_("cohort.preview-already-recorded")
    PREVIEW_ALREADY_RECORDED_ATTEMPT = N_("cohort.preview-already-recorded-attempt")  # attempt
    PREVIEW_RETAKE_SAME_DAY = N_("cohort.preview-retake-same-day")  # earlier
    PREVIEW_UNIT_CERTIFIED_ALREADY = N_("cohort.preview-unit-certified-already")
