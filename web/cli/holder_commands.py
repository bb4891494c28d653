"""`s4c holder invite`: e-mail a holder their personal sign-in link."""
import click

from issuer.errors import NotFound
from issuer.holder_sign_in import LINK_HOURS
from web.cli.context import issuer_service
from web.holder.mail import send_sign_in
from web.officer.words import operator_english
from web.plumbing.i18n import LANGUAGES
from web.wiring.mailer import MailError
from web.wiring.settings import Settings


@click.group("holder")
def holder() -> None:
    """Holders' access to their own page."""


@holder.command("invite")
@click.argument("email")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default=None,
              help="The language of the e-mail (remembered for the holder); default: the "
                   "one chosen before, else English.")
@click.option("--actor", default="cli", show_default=True,
              help="Who is acting (recorded in the audit trail).")
@click.pass_obj
def invite(settings: Settings, email: str, lang: str | None, actor: str) -> None:
    """Send EMAIL's holder a personal sign-in link to their page (S4C_SMTP_URL). Without an
    SMTP server (a demo), the e-mail goes to the data directory's outbox, which the officer
    console shows, and the link is printed."""
    service = issuer_service(settings)
    try:
        sent = send_sign_in(settings, service.sessions, email, actor, lang)
    except (NotFound, MailError, ValueError) as e:
        raise click.ClickException(operator_english(e)) from e
    if sent.outbox is None:
        click.echo(f"sign-in link sent to {sent.holder.email}")
        return
    # a demo without an SMTP server: the officer hands the link over
    click.echo(f"no SMTP server (S4C_SMTP_URL): the e-mail to {sent.holder.email} is in the "
               f"demo outbox, {sent.outbox}")
    click.echo(f"sign-in link (works once, for {LINK_HOURS} hours): {sent.link}")


COMMANDS = [holder]
