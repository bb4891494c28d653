"""The employer page's words for what the verifier reports by id: verdicts, the advice under
them, credential kinds, statuses, check outcomes and the checks themselves.

The texts are in the gettext catalogues (web/translations); this only maps ids to them.
Check reasons stay as the verifier writes them (English, precise). An id without a word here
is shown as `<group>.<id>`, e.g. `check.facts`.
"""
from flask_babel import gettext as _


def id_words() -> dict[str, str]:
    """`group.id` -> its words in the page's language."""
    return {
        "verdict.valid": _("Valid"),
        "verdict.forged-or-malformed": _("Forged or damaged"),
        "verdict.not-valid-now": _("Authentic, but not valid now"),
        "verdict.could-not-check": _("Could not be fully checked"),
        "advice.valid": _("Authentic, current, and issued by an accredited body."),
        "advice.forged-or-malformed": _("Do not accept it: it was altered, or was not issued "
                                        "by who it claims."),
        "advice.not-valid-now": _("It was really issued, but it does not count today. See "
                                  "why below."),
        "advice.could-not-check": _("Something could not be checked right now. Do not read "
                                    "this as valid; try again later."),
        "kind.role": _("Role certification"),
        "kind.competency": _("Competency unit"),
        # Translators: the credential's status, after "Status".
        "status.active": _("active"),
        "status.revoked": _("revoked"),
        "status.suspended": _("suspended"),
        "status.unknown": _("unknown"),
        # Translators: a check's outcome, after the check's name.
        "outcome.passed": _("passed"),
        "outcome.failed": _("failed"),
        "outcome.unknown": _("not checked"),
        "check.structure": _("Structure"),
        "check.schema": _("Schema"),
        "check.terms": _("Vocabulary"),
        "check.proof": _("Signature"),
        "check.key-binding": _("Issuer's key"),
        "check.role-stack": _("Competency units"),
        "check.validity": _("Validity period"),
        "check.status": _("Status"),
        "check.status.revocation": _("Revocation"),
        "check.status.suspension": _("Suspension"),
        "check.issuer-trust": _("Accreditation"),
        "check.recognition": _("Recognition"),
        "check.input": _("Input"),
    }
