"""Who a wallet is, at each step of the authorization code flow.

- At PAR (RFC 9126 §2.1, HAIP 1.0 §4.3): a wallet with a Wallet Attestation is authenticated
  by it (`issuer.client_attestation`); any other must be registered by the operator. The
  redirect URI must be one registered for that wallet, character for character. What the
  holder is later shown (the wallet's name) comes from that registration or attestation.
- On the consent page and at the token endpoint, the registration (or the provider) must
  still be there: removing a wallet stops its requests and codes at once.
- At the token endpoint the code is redeemed only by the wallet it was issued to: a
  registered wallet names its `client_id` (RFC 6749 §4.1.3), an attested one authenticates
  again with an attestation of the same instance key (draft -07 §6.3; draft -10 §9.4
  "Binding of OAuth protocol artifacts").
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from issuer.client_attestation import (
    ClientAuthError,
    PresentedAttestation,
    spend_pop,
    verify_attestation,
)
from issuer.models import WalletClient, WalletGrant, WalletProvider
from issuer.redirect_uris import RedirectUriError, check_redirect_uri, redirect_uri_matches
from issuer.wallet_clients import client_id_problem, trusted_providers


@dataclass(frozen=True)
class AuthenticatedClient:
    client_id: str
    name: str  # from the operator's registration or the provider's attestation
    redirect_uri: str  # the request's, one registered for this client
    provider: str | None = None  # attested wallets only
    key: str | None = None  # attested wallets only: the instance key's thumbprint


def _redirect_uri(allowed: list[str] | tuple[str, ...], requested: str | None, who: str
                  ) -> str:
    if not requested:
        raise ClientAuthError("redirect_uri is missing", "invalid_request", 400)
    try:
        check_redirect_uri(requested)
    except RedirectUriError as e:
        raise ClientAuthError(str(e), "invalid_request", 400) from None
    if not redirect_uri_matches(list(allowed), requested):
        raise ClientAuthError(f"redirect_uri {requested[:100]!r} is not registered for {who}",
                              "invalid_request", 400)
    return requested


def authenticate_pushed_request(s: Session, client_id: str | None,
                                redirect_uri: str | None,
                                presented: PresentedAttestation | None, audience: str,
                                now: datetime) -> AuthenticatedClient:
    """The client of a pushed authorization request, in the caller's transaction (which also
    spends an attestation's PoP); raises ClientAuthError (invalid_client, 401; or
    invalid_request, 400, for the redirect URI)."""
    if presented is not None:
        wallet = verify_attestation(presented, trusted_providers(s), audience, now)
        if client_id and client_id != wallet.client_id:
            raise ClientAuthError("client_id differs from the Wallet Attestation's sub "
                                  "(draft -07 §6.4)")
        uri = _redirect_uri(wallet.redirect_uris, redirect_uri,
                            f"wallets attested by {wallet.provider}")
        spend_pop(s, wallet, now)
        return AuthenticatedClient(wallet.client_id, wallet.name, uri, wallet.provider,
                                   wallet.key)
    if not client_id:
        raise ClientAuthError("client_id is missing", "invalid_request", 400)
    client = None if client_id_problem(client_id) else s.get(WalletClient, client_id)
    if client is None:
        raise ClientAuthError("this wallet is not known here: the issuer's operator registers "
                              "wallets (s4c wallet-client add), or the wallet authenticates "
                              "with a Wallet Attestation of a provider the issuer trusts")
    uri = _redirect_uri(client.redirect_uris, redirect_uri, f"wallet {client_id!r}")
    return AuthenticatedClient(client.client_id, client.name, uri)


def still_trusted(s: Session, client_id: str, redirect_uri: str, provider: str | None,
                  key: str | None) -> bool:
    """Whether what authenticated a request or code is still registered or trusted."""
    if provider is not None or key is not None:
        return provider is not None and s.get(WalletProvider, provider) is not None
    client = s.get(WalletClient, client_id)
    return client is not None and redirect_uri_matches(client.redirect_uris, redirect_uri)


def authenticate_code_redemption(s: Session, code: WalletGrant, client_id: str | None,
                                 presented: PresentedAttestation | None, audience: str,
                                 now: datetime) -> None:
    """The token request comes from the wallet the code was issued to; raises
    ClientAuthError (invalid_client, 401; invalid_grant, 400, for another client)."""
    if code.client_key is not None:
        if presented is None:
            raise ClientAuthError("this code was issued to an attested wallet: send its "
                                  "OAuth-Client-Attestation and -PoP headers again "
                                  "(draft -07 §6.3)")
        wallet = verify_attestation(presented, trusted_providers(s), audience, now)
        if client_id is not None and client_id != wallet.client_id:
            raise ClientAuthError("client_id differs from the Wallet Attestation's sub "
                                  "(draft -07 §6.3)")
        if (wallet.client_id, wallet.key, wallet.provider) != (
                code.client_id, code.client_key, code.client_provider):
            raise ClientAuthError("this code was issued to another wallet instance",
                                  "invalid_grant", 400)
        spend_pop(s, wallet, now)
        return
    if not client_id:
        raise ClientAuthError("client_id is missing (RFC 6749 §4.1.3)", "invalid_request",
                              400)
    if client_id != code.client_id:
        raise ClientAuthError("this code was issued to another client", "invalid_grant", 400)
    if not still_trusted(s, client_id, code.redirect_uri or "", None, None):
        raise ClientAuthError(f"wallet {client_id!r} is no longer registered here")
