"""Sending e-mail over SMTP (RFC 5321), as the settings say (S4C_SMTP_URL, S4C_MAIL_FROM);
without an SMTP server, into the demo outbox of the data directory (`web.wiring.outbox`).

Messages are built with the standard library's `email` package: UTF-8 text with a
Message-ID and Date, so holders' names and every partner language arrive intact.
"""
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from vc.findings import Finding, FindingError, Param
from web.wiring import outbox
from web.wiring.mail_codes import MailCode
from web.wiring.settings import Settings

TIMEOUT_S = 30


class MailError(FindingError):
    """The message could not be handed to the SMTP server (`.finding` says why)."""

    def __init__(self, code: str, detail: str | None = None, **params: Param) -> None:
        super().__init__(Finding(code, params, detail))


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    language: str = "en"


def send_mail(settings: Settings, mail: Mail) -> Path | None:
    """Hands `mail` to the SMTP server; without one (no S4C_SMTP_URL: a demo), keeps it in
    the data directory's outbox (`web.wiring.outbox`) and returns that file."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    message.set_content(mail.text, charset="utf-8")
    message["Content-Language"] = mail.language  # after set_content, which clears Content-*
    if not settings.smtp_url:
        try:
            return outbox.keep(settings.data_dir, message)
        except OSError as e:
            raise MailError(MailCode.OUTBOX_FAILED, str(e)[:300]) from e
    url = urlsplit(settings.smtp_url)
    host = url.hostname or "localhost"
    try:
        if url.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, url.port or 465, timeout=TIMEOUT_S,
                context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, url.port or 25, timeout=TIMEOUT_S)
        with client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(message)
        return None
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(MailCode.NOT_TAKEN, host=str(host), answer=str(e)[:500]) from e
