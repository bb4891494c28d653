"""The employer page's words for what the verifier reports by id: credential kinds,
statuses, check outcomes and the checks themselves.

The texts are in the gettext catalogues (web/translations); this only maps ids to them.
Check findings are said in the page's language by `web.plumbing.finding_words`; the headline by
`web.employer.view`.
"""
from flask_babel import gettext as _


def id_words() -> dict[str, str]:
    """`group.id` -> its words in the page's language."""
    return {
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
        "outcome.info": _("for information"),
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
        "check.facts": _("Unambiguous content"),
        # a European Digital Credential's seal and content (`verifier.edc`)
        "check.seal.format": _("Seal"),
        "check.seal.signature": _("Seal"),
        "check.seal.certificate-digest": _("Seal certificate"),
        "check.seal.certificate-validity": _("Seal certificate"),
        "check.seal.timestamp": _("Time-stamp"),
        "check.seal.content-timestamp": _("Time-stamp"),
        "check.seal.archive-timestamp": _("Time-stamp"),
        "check.seal.timestamp-authority": _("Time-stamping authority"),
        "check.seal.chain": _("Trust anchors"),
        "check.seal.revocation": _("Revocation"),
        "check.seal.qualified": _("Qualified certificate"),
        "check.seal.trusted-list": _("Trusted list"),
        "check.edc.type": _("Structure"),
        "check.edc.validity": _("Validity period"),
        "check.edc.issuer": _("Issued by"),
        "check.edc.format": _("Format"),
        "check.pdf-seal": _("PDF seal"),
    }
