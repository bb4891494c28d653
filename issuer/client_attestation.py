"""OAuth 2.0 Attestation-Based Client Authentication, draft-ietf-oauth-attestation-based-
client-auth-07 (the version OpenID4VCI 1.0 pins, its §1.4 and Appendix E), as HAIP 1.0
§4.3.1 profiles it: a wallet proves it is an instance of a wallet its provider vouches for.

Two JWTs in two headers (§6.1): `OAuth-Client-Attestation`, signed by the wallet provider,
names the wallet (`sub` = its client_id) and binds the instance's key (`cnf.jwk`); and
`OAuth-Client-Attestation-PoP`, signed by that key for this issuer (`aud`), fresh (`iat`),
used once (`jti`). Checked as §9 ("Verification and Processing") lists:
- exactly one of each header, each a compact JWS (§6.2 items 1-2);
- `typ` exactly as §5.1/§5.2 name them (RFC 8725 §3.11);
- an asymmetric algorithm we accept, ES256 or EdDSA: never `none` nor a MAC (§9 item 4);
- the attestation signed by a provider the operator trusts (§9 item 5): by its key, or by a
  certificate chain in `x5c` leading to its trust anchor (HAIP 1.0 §4.3.1, anchor not in
  the chain, leaf not self-signed); a key in the attestation's own header is never trusted;
- `iss`, `sub`, `exp` (not passed), `cnf.jwk` a public key (§5.1, §9 item 6);
- the PoP signed by the `cnf` key (§9 item 7), `iss` = the attestation's `sub` (§5.2 item
  4), `aud` = this issuer's identifier (§9 item 10), `iat` within `POP_MAX_AGE_S` (§9 item
  9), a `jti` never seen before (§12.1): kept in the database until a PoP of that `iat`
  would be stale anyway, so a replay is refused by every worker of every instance.

Which redirect URIs an attested wallet may use: those its provider signed into the
attestation (a `redirect_uris` array claim, §5.1 rule 1 allows other claims) and those the
operator registered for the provider. Never one only the request names.
"""
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from joserfc import jwk as jose_jwk
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from issuer.models import ClientAttestationPop
from issuer.redirect_uris import MAX_URIS, RedirectUriError, check_redirect_uri
from issuer.wallet_clients import MAX_NAME_CHARS, TrustedProvider, client_id_problem
from vc.jose import CompactJws, JwsError, PublicKey, public_jwk, public_key_from_jwk
from vc.x509_chain import CertificateChainError, verify_x5c

ATTESTATION_HEADER = "OAuth-Client-Attestation"
POP_HEADER = "OAuth-Client-Attestation-PoP"
ATTESTATION_TYP = "oauth-client-attestation+jwt"
POP_TYP = "oauth-client-attestation-pop+jwt"
ALGORITHMS = ["ES256", "EdDSA"]
POP_MAX_AGE_S = 300
CLOCK_SKEW_S = 30
MAX_JWT_CHARS = 16_000  # a chain of a few certificates; web servers cap headers near 8 kB


class ClientAuthError(ValueError):
    """A client not authenticated: `error` is RFC 6749 §5.2's code (`invalid_client`, sent
    with 401), the message says why in words."""

    def __init__(self, message: str, error: str = "invalid_client", status: int = 401) -> None:
        super().__init__(message)
        self.error, self.status = error, status


@dataclass(frozen=True)
class PresentedAttestation:
    attestation: str
    pop: str


@dataclass(frozen=True)
class AttestedWallet:
    client_id: str  # the attestation's `sub`
    name: str  # `wallet_name` (OpenID4VCI 1.0 Appendix E), else `sub`
    provider: str
    key: str  # RFC 7638 thumbprint of the instance key (`cnf.jwk`)
    redirect_uris: tuple[str, ...]
    pop_id: str
    pop_expires: datetime


def presented_attestation(attestations: list[str], pops: list[str]
                          ) -> PresentedAttestation | None:
    """The two headers of a request (§6.2: precisely one of each), or None without both."""
    if not attestations and not pops:
        return None
    if len(attestations) != 1 or len(pops) != 1:
        raise ClientAuthError(f"send exactly one {ATTESTATION_HEADER} and one {POP_HEADER} "
                              "header (draft-ietf-oauth-attestation-based-client-auth §6.2)")
    return PresentedAttestation(attestations[0].strip(), pops[0].strip())


def _parse(text: str, typ: str, what: str) -> CompactJws:
    if len(text) > MAX_JWT_CHARS:
        raise ClientAuthError(f"the {what} is longer than {MAX_JWT_CHARS} characters")
    try:
        jws = CompactJws.parse(text, f"the {what}")
        jws.require_typ(typ, f"the {what}")
    except JwsError as e:
        raise ClientAuthError(str(e)) from None
    return jws


def _number(claims: dict[str, Any], name: str, what: str, required: bool) -> int | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClientAuthError(f"the {what} needs `{name}` as a NumericDate")
    return value


def _provider_key(jws: CompactJws, providers: list[TrustedProvider], now: datetime
                  ) -> tuple[TrustedProvider, PublicKey]:
    """Who signed the attestation, among the providers the operator trusts (§9 item 5)."""
    anchors = [p for p in providers if p.anchor is not None]
    if "x5c" in jws.header and anchors:
        try:
            chain = verify_x5c(jws.header["x5c"], [p.anchor for p in anchors if p.anchor],
                               now)
        except CertificateChainError as e:
            raise ClientAuthError(f"the Wallet Attestation's certificate chain is not one of "
                                  f"a wallet provider this issuer trusts: {e}") from None
        der = chain.anchor.public_bytes(serialization.Encoding.DER)
        for provider in anchors:
            if provider.anchor and provider.anchor.public_bytes(
                    serialization.Encoding.DER) == der:
                return provider, chain.public_key
    kid = jws.header.get("kid")
    for provider in providers:
        if provider.jwk is None or (kid is not None and "kid" in provider.jwk
                                    and provider.jwk["kid"] != kid):
            continue
        key = public_key_from_jwk(provider.jwk, f"the key of {provider.name}")
        try:
            jws.verify(key, "the Wallet Attestation", ALGORITHMS)
        except JwsError:
            continue
        return provider, key
    raise ClientAuthError("the Wallet Attestation is not signed by a wallet provider this "
                          "issuer trusts")


def _wallet_name(claims: dict[str, Any], sub: str) -> str:
    value = claims.get("wallet_name")
    if value is None:
        return sub
    name = " ".join(value.split()) if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise ClientAuthError(f"the Wallet Attestation's wallet_name must be 1 to "
                              f"{MAX_NAME_CHARS} printable characters")
    return name


def _signed_redirect_uris(claims: dict[str, Any]) -> tuple[str, ...]:
    value = claims.get("redirect_uris", [])
    if not isinstance(value, list) or len(value) > MAX_URIS:
        raise ClientAuthError(f"the Wallet Attestation's redirect_uris must be an array of "
                              f"at most {MAX_URIS} URIs")
    try:
        return tuple(check_redirect_uri(u) for u in value)
    except RedirectUriError as e:
        raise ClientAuthError(f"the Wallet Attestation names a redirect URI that is never "
                              f"accepted: {e}") from None


def _check_attestation(jws: CompactJws, now: float) -> tuple[str, PublicKey]:
    """§5.1 and §9 items 2, 6, 11: the claims of an attestation whose signature verified."""
    claims = jws.payload
    iss = claims.get("iss")
    if not isinstance(iss, str) or not iss or len(iss) > 2048:
        raise ClientAuthError("the Wallet Attestation needs `iss`, its provider's identifier")
    sub = claims.get("sub")
    problem = client_id_problem(sub)
    if problem or not isinstance(sub, str):
        raise ClientAuthError(f"the Wallet Attestation's `sub` is its client_id: {problem}")
    exp = _number(claims, "exp", "Wallet Attestation", True)
    if exp is None or exp <= now:
        raise ClientAuthError("the Wallet Attestation has expired: ask the wallet provider "
                              "for a new one", "use_fresh_attestation", 400)
    for name in ("nbf", "iat"):
        at = _number(claims, name, "Wallet Attestation", False)
        if at is not None and at > now + CLOCK_SKEW_S:
            raise ClientAuthError(f"the Wallet Attestation's `{name}` is in the future")
    cnf = claims.get("cnf")
    try:
        key = public_key_from_jwk(cnf.get("jwk") if isinstance(cnf, dict) else None,
                                  "the Wallet Attestation's cnf.jwk")
    except JwsError as e:
        raise ClientAuthError(str(e)) from None
    return sub, key


def _check_pop(jws: CompactJws, key: PublicKey, client_id: str, audience: str,
               now: float) -> tuple[str, int]:
    """§5.2 and §9 items 7, 9, 10: the PoP, by the instance key, for us, fresh."""
    try:
        jws.verify(key, "the Client Attestation PoP", ALGORITHMS)
    except JwsError as e:
        raise ClientAuthError(f"{e}: the PoP must be signed by the attestation's cnf key"
                              ) from None
    claims = jws.payload
    if claims.get("iss") != client_id:
        raise ClientAuthError("the Client Attestation PoP's `iss` must be the attestation's "
                              "`sub` (draft -07 §5.2)")
    aud = claims.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        raise ClientAuthError(f"the Client Attestation PoP's `aud` must be {audience}, this "
                              "issuer's identifier (RFC 8414)")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 256:
        raise ClientAuthError("the Client Attestation PoP needs a `jti` of 1 to 256 "
                              "characters")
    iat = _number(claims, "iat", "Client Attestation PoP", True)
    if iat is None or now - iat > POP_MAX_AGE_S or iat - now > CLOCK_SKEW_S:
        raise ClientAuthError(f"the Client Attestation PoP's `iat` must be within "
                              f"{POP_MAX_AGE_S} s of now: make a new one")
    exp = _number(claims, "exp", "Client Attestation PoP", False)
    nbf = _number(claims, "nbf", "Client Attestation PoP", False)
    if (exp is not None and exp <= now) or (nbf is not None and nbf > now + CLOCK_SKEW_S):
        raise ClientAuthError("the Client Attestation PoP is not valid now (exp, nbf)")
    return jti, iat


def verify_attestation(presented: PresentedAttestation, providers: list[TrustedProvider],
                       audience: str, now: datetime) -> AttestedWallet:
    """The wallet the two JWTs authenticate; raises ClientAuthError. Its PoP is not spent
    yet: `spend_pop` does it in the transaction that acts on the request."""
    attestation = _parse(presented.attestation, ATTESTATION_TYP, "Wallet Attestation")
    pop = _parse(presented.pop, POP_TYP, "Client Attestation PoP")
    provider, provider_key = _provider_key(attestation, providers, now)
    try:
        attestation.verify(provider_key, "the Wallet Attestation", ALGORITHMS)
    except JwsError as e:
        raise ClientAuthError(str(e)) from None
    clock = now.timestamp()
    client_id, key = _check_attestation(attestation, clock)
    jti, iat = _check_pop(pop, key, client_id, audience, clock)
    thumbprint = jose_jwk.thumbprint(public_jwk(key))
    uris = tuple(dict.fromkeys(_signed_redirect_uris(attestation.payload)
                               + provider.redirect_uris))
    return AttestedWallet(
        client_id, _wallet_name(attestation.payload, client_id), provider.name, thumbprint,
        uris, hashlib.sha256(f"{thumbprint}\x00{jti}".encode()).hexdigest(),
        datetime.fromtimestamp(iat + POP_MAX_AGE_S + CLOCK_SKEW_S, UTC))


def spend_pop(s: Session, wallet: AttestedWallet, now: datetime) -> None:
    """Records the PoP's `jti` as used, in the caller's transaction (§12.1); a second use,
    by this worker or another, is refused by the primary key."""
    s.execute(delete(ClientAttestationPop).where(ClientAttestationPop.expires_at < now))
    s.add(ClientAttestationPop(id=wallet.pop_id,
                               expires_at=max(wallet.pop_expires, now + timedelta(seconds=1))))
    try:
        s.flush()
    except IntegrityError:
        raise ClientAuthError("this Client Attestation PoP was used before (its jti): make a "
                              "new one for every request") from None
