"""The certification body's electronic seal: where its key lives and which TSA stamps it.

The key is, in this order of preference:
- in a PKCS#11 token (an HSM or a qualified signature-creation device): module, token label,
  key label and PIN are given; the key never leaves the token (`issuer.seal.pkcs11`);
- in a PKCS#12 file with its passphrase (`issuer.seal.pkcs12`);
- otherwise the demo seal of the data directory: a self-made CA and a seal certificate,
  both marked DEMO, so that `make run` seals with no setup (`issuer.seal.demo`).

The signature time-stamp comes from the TSA at `tsa_url` (RFC 3161 over HTTP); without one,
the demo TSA of the data directory stamps in-process. A demo seal or a demo time-stamp is
never trusted by a verifier that does not hold the demo CAs as anchors.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from issuer.seal import demo
from issuer.seal.errors import SealConfigError
from issuer.seal.pkcs12 import load_pkcs12_signer
from vc.jades.seal import SealSigner, seal_document
from vc.timestamps import HttpTimeStamper, TimeStamper


@dataclass(frozen=True)
class SealConfig:
    """Where the seal key and the TSA are (from the deployment's settings)."""

    data_dir: Path  # the demo seal and demo TSA live in <data_dir>/seal/
    passphrase: bytes = field(repr=False)  # the data directory's key passphrase (demo files)
    issuer_name: str
    # the body's eIDAS legal identifier and country: the demo seal certificate's
    # organizationIdentifier and C, as its EDCs name the awarding body
    legal_identifier: str = "NTREU-DEMO"
    country: str = "EU"
    pkcs12: Path | None = None
    pkcs12_passphrase: str | None = field(default=None, repr=False)
    pkcs11_module: str | None = None
    token_label: str | None = None
    key_label: str | None = None
    pin: str | None = field(default=None, repr=False)
    chain: Path | None = None  # PEM, leaf first: a token key's certificates, if not in it
    tsa_url: str | None = None
    # a content time-stamp (adoTst) in every seal, as the EU samples: one more TSA call
    content_timestamp: bool = True


@dataclass(frozen=True)
class Seal:
    """What seals an EDC or a PDF: the key, the TSA, and the demo anchors (empty when the
    body's own certificates are used) that let this deployment's verifier and tests trust
    a demo seal."""

    signer: SealSigner
    timestamper: TimeStamper
    demo_anchors: Sequence[x509.Certificate] = ()
    demo_tsa_anchors: Sequence[x509.Certificate] = ()
    content_timestamp: bool = True

    @property
    def is_demo(self) -> bool:
        return bool(self.demo_anchors)

    def __call__(self, document: dict[str, Any]) -> dict[str, Any]:
        """`document` sealed (JAdES baseline B-T, JWS JSON serialisation, RFC 7797): what
        the holder keeps. A `Seal` is the seal callable `issuer.edc` takes."""
        return seal_document(document, self.signer, self.timestamper,
                             content_timestamp=self.content_timestamp)


def open_seal(config: SealConfig) -> Seal:
    """The configured seal key and TSA; the demo ones (made on first use) for what is not
    configured."""
    demo_anchors: tuple[x509.Certificate, ...] = ()
    if config.pkcs11_module:
        # deferred on purpose: the PKCS#11 binding loads only when a token is configured
        from issuer.seal.pkcs11 import Pkcs11Signer

        missing = [name for name, value in (("S4C_SEAL_TOKEN_LABEL", config.token_label),
                                            ("S4C_SEAL_KEY_LABEL", config.key_label),
                                            ("S4C_SEAL_PIN", config.pin)) if not value]
        if missing:
            raise SealConfigError(f"S4C_SEAL_PKCS11_MODULE is set: give {', '.join(missing)} "
                                  "too")
        signer: SealSigner = Pkcs11Signer(
            config.pkcs11_module, config.token_label or "", config.key_label or "",
            config.pin or "", chain_pem=config.chain.read_bytes() if config.chain else None)
    elif config.pkcs12:
        if config.pkcs12_passphrase is None:
            raise SealConfigError("S4C_SEAL_PKCS12 is set without S4C_SEAL_PASSPHRASE")
        signer = load_pkcs12_signer(config.pkcs12, config.pkcs12_passphrase.encode("utf-8"))
    else:
        files = demo.ensure_demo_seal(config.data_dir, config.issuer_name, config.passphrase,
                                      config.legal_identifier, config.country)
        signer = demo.demo_signer(files, config.passphrase)
        demo_anchors = (files.seal_ca,)
    if config.tsa_url:
        return Seal(signer, HttpTimeStamper(config.tsa_url), demo_anchors,
                    content_timestamp=config.content_timestamp)
    files = demo.ensure_demo_seal(config.data_dir, config.issuer_name, config.passphrase,
                                      config.legal_identifier, config.country)
    return Seal(signer, demo.demo_tsa(files, config.passphrase), demo_anchors,
                (files.tsa_ca,), content_timestamp=config.content_timestamp)
