"""The body's seal as this deployment configures it (`issuer.seal`), from `Settings`."""
from datetime import UTC, datetime, timedelta

from issuer.seal import Seal, SealConfig, open_seal
from issuer.seal.demo import ANCHORS, DIR
from web.datadir import key_passphrase
from web.settings import Settings


def seal_config(settings: Settings) -> SealConfig:
    return SealConfig(
        data_dir=settings.data_dir, passphrase=key_passphrase(settings),
        issuer_name=settings.issuer_name, legal_identifier=settings.issuer_legal_id,
        country=settings.issuer_country,
        pkcs12=settings.seal_pkcs12, pkcs12_passphrase=settings.seal_passphrase,
        pkcs11_module=settings.seal_pkcs11_module, token_label=settings.seal_token_label,
        key_label=settings.seal_key_label, pin=settings.seal_pin, chain=settings.seal_chain,
        tsa_url=settings.tsa_url, content_timestamp=settings.seal_content_timestamp)


def issuer_seal(settings: Settings) -> Seal:
    """The seal key and TSA (the demo ones, made on first use, for what is not configured).
    Opening a token logs in: build it once per process, not per request."""
    return open_seal(seal_config(settings))


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
