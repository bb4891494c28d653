"""The e-mail that gives a holder their personal sign-in link, in their language.

Sent by the officer (console or `s4c holder invite`) or after a cohort is issued. The words
are gettext messages (marked with `N_`, extracted by `make messages`) looked up in the
holder's language's catalogue, so the same text serves the console, the command line and the
workers, with or without a request.
"""
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from issuer.codes import IssuerCode
from issuer.errors import NotFound
from issuer.holder_sign_in import (
    LINK_HOURS,
    Holder,
    find_holder,
    make_link,
    new_link_token,
    set_language,
)
from web.plumbing.i18n import LANGUAGES, read_catalogues
from web.wiring.mailer import Mail, send_mail
from web.wiring.settings import Settings


def N_(text: str) -> str:  # gettext's name for "mark for extraction"
    return text


SUBJECT = N_("Your Skills4Cities credentials: your personal sign-in link")
BODY = N_("Hello %(name)s,\n\n"
          "your certification body %(issuer)s has issued Skills4Cities credentials to you. "
          "Open this personal link to see them, download them, print your certificate, share "
          "them with employers and add them to your wallet:\n\n"
          "%(link)s\n\n"
          "The link works once and for %(hours)s hours. Do not forward it: whoever opens it "
          "signs in as you. If it has expired, ask for a new one on %(sign_in)s.\n")


def _translated(text: str, lang: str) -> str:
    catalogue = read_catalogues().get(lang)
    return catalogue.gettext(text) if catalogue else text


def sign_in_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url}/holder/sign-in/{token}"


def sign_in_mail(settings: Settings, holder: Holder, token: str, lang: str) -> Mail:
    link = sign_in_url(settings, token)
    body = _translated(BODY, lang) % {
        "name": holder.name, "issuer": settings.issuer_name, "link": link,
        "hours": LINK_HOURS, "sign_in": f"{settings.public_url}/holder/sign-in"}
    return Mail(holder.email, _translated(SUBJECT, lang), body, lang)


@dataclass(frozen=True)
class SentSignIn:
    holder: Holder
    link: str
    outbox: Path | None  # the message's file in the demo outbox; None: handed to SMTP


def send_sign_in(settings: Settings, sessions: sessionmaker, email: str, actor: str,
                 language: str | None = None) -> SentSignIn:
    """Makes a sign-in link for the holder with this e-mail address and sends it, in
    `language` (remembered for later e-mails: an officer or the command line chose it) or
    the one chosen before, else English; without an SMTP server, into the demo outbox.
    Raises NotFound for an unknown address, `web.wiring.mailer.MailError` when sending fails (the
    link is then not kept)."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    with sessions.begin() as s:
        holder = find_holder(s, email)
        if holder is None:
            raise NotFound(IssuerCode.NO_CANDIDATE_WITH_EMAIL, email=email)
        if language is not None:
            set_language(s, holder, language)
    link, kept = _deliver(settings, sessions, holder, actor,
                          language or holder.language or "en")
    return SentSignIn(holder, link, kept)


def send_requested_sign_in(settings: Settings, sessions: sessionmaker, email: str,
                           page_language: str) -> bool:
    """The job behind the holder's "send me a link" form: when `email` is a
    holder's, a new link in the language the holder chose before (else the page's, for this
    e-mail only: an anonymous request stores nothing about the holder). Returns whether a
    link was sent; a stranger's address sends nothing. Raises `web.wiring.mailer.MailError` when
    the holder's e-mail could not be sent (the link is then not kept)."""
    with sessions() as s:
        holder = find_holder(s, email)
    if holder is None:
        return False
    chosen = holder.language if holder.language in LANGUAGES else None
    _deliver(settings, sessions, holder, "holder",
             chosen or (page_language if page_language in LANGUAGES else "en"))
    return True


def _deliver(settings: Settings, sessions: sessionmaker, holder: Holder, actor: str,
             lang: str) -> tuple[str, Path | None]:
    """Sends a new link, then keeps it (with its audit row). No transaction is open while
    the SMTP server answers: on SQLite it would hold every writer back for as long, and so
    let the time of the next request tell that this address was a holder's. A link whose
    e-mail was not taken is never kept."""
    token = new_link_token()
    mail = sign_in_mail(settings, holder, token, lang)
    kept = send_mail(settings, mail)
    with sessions.begin() as s:
        make_link(s, holder, actor, datetime.now(UTC), token)
    return sign_in_url(settings, token), kept
