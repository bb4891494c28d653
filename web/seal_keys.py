"""The body's seal as this deployment configures it (`issuer.seal`), from `Settings`."""
from issuer.seal import Seal, SealConfig, open_seal
from issuer.seal.demo import DIR
from web.datadir import key_passphrase
from web.settings import Settings


def seal_config(settings: Settings) -> SealConfig:
    return SealConfig(
        data_dir=settings.data_dir, passphrase=key_passphrase(settings),
        issuer_name=settings.issuer_name,
        pkcs12=settings.seal_pkcs12, pkcs12_passphrase=settings.seal_passphrase,
        pkcs11_module=settings.seal_pkcs11_module, token_label=settings.seal_token_label,
        key_label=settings.seal_key_label, pin=settings.seal_pin, chain=settings.seal_chain,
        tsa_url=settings.tsa_url)


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
    return (f"the demo seal (DEMO, not trusted elsewhere) in {settings.data_dir / DIR}; "
            "set S4C_SEAL_PKCS12 or S4C_SEAL_PKCS11_MODULE in production")
