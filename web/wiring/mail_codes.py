"""Codes of the web layer's own refusals: each sentence lives in the catalogue
under its code, as for `issuer.codes`."""
from vc.findings import N_, Code


class MailCode(Code):
    """Why a message to a holder was not sent (`web.wiring.mailer.MailError`)."""

    NOT_CONFIGURED = N_("mail.not-configured")  # setting (the one to set)
    NOT_TAKEN = N_("mail.not-taken")  # host, answer (the server's, as it said it)
    OUTBOX_FAILED = N_("mail.outbox-failed")  # demo outbox (no SMTP server); detail: why
