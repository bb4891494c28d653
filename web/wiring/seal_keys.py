"""The body's seal for people: where its key is and what its certificate says (the seal itself
is opened from the settings by `web.wiring.datadir.issuer_seal`)."""
from datetime import UTC, datetime, timedelta

from issuer.seal import Seal
from issuer.seal.demo import ANCHORS, DIR
from web.wiring.settings import Settings


def seal_source(settings: Settings) -> str:
    """Where the seal key is, for people (never a PIN or passphrase)."""
    if settings.seal_pkcs11_module:
        return (f"PKCS#11 token {settings.seal_token_label!r}, key "
                f"{settings.seal_key_label!r} ({settings.seal_pkcs11_module})")
    if settings.seal_pkcs12:
        return f"PKCS#12 file {settings.seal_pkcs12}"
    return (f"the demo seal (DEMO, not trusted elsewhere: its CAs are in "
            f"{settings.data_dir / DIR / ANCHORS}); set S4C_SEAL_PKCS12 or "
            "S4C_SEAL_PKCS11_MODULE in production")


EXPIRY_WARNING = timedelta(days=30)


def seal_certificate_lines(seal: Seal, now: datetime | None = None) -> list[str]:
    """The seal certificate for the operator: who it names, until when; and a warning when
    it has ended, has not begun, or ends within 30 days (a seal made with an expired
    certificate is worth nothing to Europass or an employer)."""
    leaf = seal.signer.chain[0]
    now = now or datetime.now(UTC)
    until = leaf.not_valid_after_utc
    lines = [(f"seal certificate: {leaf.subject.rfc4514_string()[:120]}, valid until "
              f"{until:%Y-%m-%d}")]
    if until <= now:
        lines.append("warning: the seal certificate has expired: every seal made now is "
                     "worthless; install the renewed certificate")
    elif leaf.not_valid_before_utc > now:
        lines.append(f"warning: the seal certificate is not valid before "
                     f"{leaf.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")
    elif until - now < EXPIRY_WARNING:
        lines.append(f"warning: the seal certificate ends in {(until - now).days} days: "
                     "renew it now")
    return lines
