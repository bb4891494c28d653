"""The wallets and wallet providers the operator trusts for the authorization code flow
(HAIP 1.0 §4.3.1: Issuers MUST require client authentication at PAR and token).

- A registered wallet (`s4c wallet-client add`): a public client (RFC 6749 §2.1) known by its
  `client_id`, with a name holders see and the exact redirect URIs it may use.
- A trusted wallet provider (`s4c wallet-provider add`): its public key, or the X.509 trust
  anchor of its `x5c` chains, signs Wallet Attestations (OpenID4VCI 1.0 Appendix E) that
  authenticate any wallet of its (`issuer.client_attestation`).

Each change is one transaction with an audit row; nothing here trusts a value a wallet sends.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.models import WalletClient, WalletProvider
from issuer.redirect_uris import MAX_URIS, RedirectUriError, check_redirect_uri
from vc.jose import JwsError, public_jwk, public_key_from_jwk

MAX_NAME_CHARS = 100
MAX_CLIENT_ID_CHARS = 255


class WalletClientError(ValueError):
    """A registration refused, in words."""


@dataclass(frozen=True)
class TrustedProvider:
    """A provider as verification needs it: its key, or its trust anchor, parsed."""

    name: str
    jwk: dict[str, str] | None
    anchor: x509.Certificate | None
    redirect_uris: tuple[str, ...]


def _name(value: str, what: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise WalletClientError(f"{what} must be 1 to {MAX_NAME_CHARS} printable characters")
    return name


def client_id_problem(client_id: object) -> str | None:
    if not isinstance(client_id, str) or not client_id \
            or len(client_id) > MAX_CLIENT_ID_CHARS or not client_id.isprintable() \
            or client_id != client_id.strip():
        return f"a client_id is 1 to {MAX_CLIENT_ID_CHARS} printable characters"
    return None


def _redirect_uris(uris: list[str], required: bool) -> list[str]:
    if required and not uris:
        raise WalletClientError("give at least one --redirect-uri")
    if len(uris) > MAX_URIS:
        raise WalletClientError(f"at most {MAX_URIS} redirect URIs")
    try:
        return list(dict.fromkeys(check_redirect_uri(u) for u in uris))
    except RedirectUriError as e:
        raise WalletClientError(str(e)) from None


def add_client(s: Session, client_id: str, name: str, redirect_uris: list[str], actor: str,
               now: datetime) -> WalletClient:
    problem = client_id_problem(client_id)
    if problem:
        raise WalletClientError(problem)
    if s.get(WalletClient, client_id) is not None:
        raise WalletClientError(f"wallet client {client_id!r} is already registered: remove "
                                "it first to change it")
    client = WalletClient(client_id=client_id, name=_name(name, "the wallet's name"),
                          redirect_uris=_redirect_uris(redirect_uris, True), added_by=actor,
                          added_at=now)
    s.add(client)
    record_audit_event(s, actor, "wallet.client.added", client_id,
                       {"name": client.name, "redirect_uris": client.redirect_uris})
    return client


def remove_client(s: Session, client_id: str, actor: str) -> None:
    """From now on its pushed requests and codes are refused too (checked at each step)."""
    client = s.get(WalletClient, client_id)
    if client is None:
        raise WalletClientError(f"no wallet client {client_id!r} is registered")
    s.delete(client)
    record_audit_event(s, actor, "wallet.client.removed", client_id)


def clients(s: Session) -> list[WalletClient]:
    return list(s.scalars(select(WalletClient).order_by(WalletClient.client_id)))


def _anchor(pem: bytes) -> x509.Certificate:
    try:
        found = x509.load_pem_x509_certificates(pem)
    except ValueError as e:
        raise WalletClientError(f"not a PEM certificate: {e}") from None
    if len(found) != 1:
        raise WalletClientError("give exactly one certificate: the provider's trust anchor")
    return found[0]


def add_provider(s: Session, name: str, jwk: Any, certificate_pem: bytes | None,
                 redirect_uris: list[str], actor: str, now: datetime) -> WalletProvider:
    """A provider trusted by its public key (`jwk`) or by the trust anchor its attestations'
    `x5c` chains lead to (HAIP 1.0 §4.3.1); one of the two."""
    name = _name(name, "the provider's name")
    if (jwk is None) == (certificate_pem is None):
        raise WalletClientError("give the provider's public key (--jwk) or its trust anchor "
                                "certificate (--certificate), one of them")
    stored_jwk = None
    if jwk is not None:
        try:
            stored_jwk = public_jwk(public_key_from_jwk(jwk, "the provider's key"))
        except JwsError as e:
            raise WalletClientError(str(e)) from None
        if isinstance(jwk.get("kid"), str) and jwk["kid"]:
            stored_jwk["kid"] = jwk["kid"]
    pem = None
    if certificate_pem is not None:
        pem = _anchor(certificate_pem).public_bytes(serialization.Encoding.PEM).decode()
    if s.get(WalletProvider, name) is not None:
        raise WalletClientError(f"wallet provider {name!r} is already trusted: remove it "
                                "first to change it")
    provider = WalletProvider(name=name, jwk=stored_jwk, certificate=pem,
                              redirect_uris=_redirect_uris(redirect_uris, False),
                              added_by=actor, added_at=now)
    s.add(provider)
    record_audit_event(s, actor, "wallet.provider.added", name,
                       {"by": "jwk" if stored_jwk else "x509",
                        "redirect_uris": provider.redirect_uris})
    return provider


def remove_provider(s: Session, name: str, actor: str) -> None:
    provider = s.get(WalletProvider, name)
    if provider is None:
        raise WalletClientError(f"no wallet provider {name!r} is trusted")
    s.delete(provider)
    record_audit_event(s, actor, "wallet.provider.removed", name)


def providers(s: Session) -> list[WalletProvider]:
    return list(s.scalars(select(WalletProvider).order_by(WalletProvider.name)))


def trusted_providers(s: Session) -> list[TrustedProvider]:
    return [TrustedProvider(p.name, p.jwk,
                            x509.load_pem_x509_certificate(p.certificate.encode())
                            if p.certificate else None, tuple(p.redirect_uris))
            for p in providers(s)]
