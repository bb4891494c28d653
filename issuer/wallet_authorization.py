"""The OpenID4VCI authorization code flow (OpenID4VCI 1.0 §5, with RFC 9126 pushed
authorization requests and RFC 7636 PKCE, as HAIP 1.0 asks): the wallet pushes its request,
the holder signs in on their own page and agrees, the wallet trades the code for a token.

An offer for this flow names its credentials by `issuer_state`: only the holder they were
issued to can agree to it. Without an offer, the request's `scope` names configurations
(`SCPM-sd_jwt`), and the signed-in holder's own active credentials of those are granted.
Codes are single use, live `CODE_SECONDS`, and are bound to the PKCE challenge (S256 only),
the redirect URI and the client of the request. Who the client is, and which redirect URIs
it may use, is decided at PAR from what the operator registered or a trusted wallet
provider attested, never from the request alone (`issuer.client_authentication`).
"""
import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer.audit import record_audit_event
from issuer.client_attestation import PresentedAttestation
from issuer.client_authentication import (
    authenticate_code_redemption,
    authenticate_pushed_request,
    still_trusted,
)
from issuer.codes import WalletCode
from issuer.holder_sign_in import Holder
from issuer.models import IssuedCredential, WalletAuthorizationRequest, WalletGrant
from issuer.records import as_utc
from issuer.redirect_uris import redirect_target
from issuer.wallet_grants import (
    FORMATS,
    OFFER_MINUTES,
    Grant,
    GrantError,
    configuration_id,
    parse_configuration_id,
)
from vc.findings import Finding

REQUEST_SECONDS = 600  # a pushed request waits this long for the holder to sign in
CODE_SECONDS = 60
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 §4.1
_REQUEST_URI = "urn:ietf:params:oauth:request_uri:"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def s256(verifier: str) -> str:
    """RFC 7636 §4.2 code_challenge for method S256."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()) \
        .decode().rstrip("=")


@dataclass(frozen=True)
class AuthorizationOffer:
    grant_id: str  # the offer's issuer_state
    configuration_ids: list[str]
    expires_at: datetime


@dataclass(frozen=True)
class PendingRequest:
    id: str
    client_id: str
    parameters: dict[str, str]
    client_name: str  # the wallet's name, from its registration or attestation
    client_provider: str | None = None  # the wallet provider that attested it
    client_key: str | None = None

    @property
    def request_uri(self) -> str:
        return _REQUEST_URI + self.id

    @property
    def redirect_uri(self) -> str:
        return self.parameters["redirect_uri"]

    @property
    def redirect_target(self) -> str:
        """Where the holder's browser goes after answering, as they can recognise it."""
        return redirect_target(self.redirect_uri)


def offer_for_authorization(s: Session, candidate_id: int, credentials: list[IssuedCredential],
                            formats: list[str], actor: str, now: datetime
                            ) -> AuthorizationOffer:
    offered = {configuration_id(c.code, f): c.id for c in credentials for f in formats}
    grant_id = secrets.token_urlsafe(16)
    expires = now + timedelta(minutes=OFFER_MINUTES)
    s.add(WalletGrant(id=grant_id, code_hash=_hash(secrets.token_urlsafe(32)),
                      candidate_id=candidate_id, offered=offered, created_by=actor,
                      created_at=now, expires_at=expires, failed_attempts=0,
                      flow="authorization-offer"))
    record_audit_event(s, actor, "wallet.offer.created", grant_id,
                       {"credentials": sorted({c.id for c in credentials}),
                        "formats": formats, "flow": "authorization-code"})
    return AuthorizationOffer(grant_id, list(offered), expires)


class RequestError(ValueError):
    """A pushed authorization request refused: `error` is RFC 6749 §4.1.2.1's code,
    `.finding` why (an `issuer.codes.WalletCode`; the web says it from the catalogue)."""

    def __init__(self, error: str, code: str) -> None:
        super().__init__(code)
        self.error = error
        self.finding = Finding(code)


def push_request(sessions: sessionmaker, form: dict[str, str],
                 presented: PresentedAttestation | None, audience: str, now: datetime
                 ) -> PendingRequest:
    """RFC 9126 §2.1: authenticates the client (a `ClientAuthError` if it cannot be), checks
    the request as an authorization request and keeps it. `audience`: this issuer's
    identifier, which a Client Attestation PoP must name."""
    with sessions.begin() as s:
        client = authenticate_pushed_request(s, form.get("client_id"),
                                             form.get("redirect_uri"), presented, audience,
                                             now)
        _check_pushed(form)
        parameters = {**form, "client_id": client.client_id}
        request = PendingRequest(secrets.token_urlsafe(24), client.client_id, parameters,
                                 client.name, client.provider, client.key)
        s.add(WalletAuthorizationRequest(
            id=request.id, client_id=request.client_id, parameters=request.parameters,
            created_at=now, expires_at=now + timedelta(seconds=REQUEST_SECONDS),
            client_name=client.name, client_provider=client.provider, client_key=client.key))
    return request


def _check_pushed(form: dict[str, str]) -> None:
    if form.get("response_type") != "code":
        raise RequestError("unsupported_response_type", WalletCode.RESPONSE_TYPE_NOT_CODE)
    if form.get("code_challenge_method") != "S256" or not form.get("code_challenge"):
        raise RequestError("invalid_request", WalletCode.PKCE_REQUIRED)
    if "request_uri" in form:
        raise RequestError("invalid_request", WalletCode.REQUEST_URI_PUSHED)
    if not form.get("issuer_state") and not form.get("scope"):
        raise RequestError("invalid_scope", WalletCode.NO_CREDENTIALS_NAMED)


def pending_request(sessions: sessionmaker, request_uri: str, client_id: str,
                    now: datetime) -> PendingRequest | None:
    if not request_uri.startswith(_REQUEST_URI):
        return None
    with sessions() as s:
        row = s.get(WalletAuthorizationRequest, request_uri.removeprefix(_REQUEST_URI))
        if row is None or row.used_at is not None or as_utc(row.expires_at) <= now \
                or row.client_id != client_id or row.client_name is None:
            return None
        request = PendingRequest(row.id, row.client_id, dict(row.parameters), row.client_name,
                                 row.client_provider, row.client_key)
        if not still_trusted(s, row.client_id, request.redirect_uri, row.client_provider,
                             row.client_key):
            return None
        return request


def requested_credentials(s: Session, request: PendingRequest, holder: Holder,
                          now: datetime) -> dict[str, str]:
    """What the holder is asked to agree to: configuration id -> their credential's id."""
    state = request.parameters.get("issuer_state")
    if state:
        offer = s.get(WalletGrant, state)
        if offer is None or offer.flow != "authorization-offer" \
                or offer.redeemed_at is not None or as_utc(offer.expires_at) <= now:
            raise RequestError("invalid_request", WalletCode.OFFER_USED_OR_EXPIRED)
        if offer.candidate_id != holder.candidate_id:
            raise RequestError("access_denied", WalletCode.OFFER_FOR_SOMEONE_ELSE)
        return dict(offer.offered)
    wanted = request.parameters.get("scope", "").split()
    credentials = s.scalars(select(IssuedCredential).where(
        IssuedCredential.candidate_id == holder.candidate_id,
        IssuedCredential.revoked.is_(False), IssuedCredential.suspended.is_(False))
        .order_by(IssuedCredential.issued_at)).all()
    granted: dict[str, str] = {}
    for scope in wanted:
        parsed = parse_configuration_id(scope)
        if parsed is None or parsed[1] not in FORMATS:
            continue
        for credential in credentials:  # the newest of that code wins
            if credential.code == parsed[0]:
                granted[scope] = credential.id
    if not granted:
        raise RequestError("invalid_scope", WalletCode.NOTHING_TO_GRANT)
    return granted


def authorize(sessions: sessionmaker, request: PendingRequest, holder: Holder,
              now: datetime) -> str:
    """The holder agreed: a new authorization code (returned once; only its hash is kept)."""
    code = secrets.token_urlsafe(32)
    with sessions.begin() as s:
        offered = requested_credentials(s, request, holder, now)
        used = s.execute(update(WalletAuthorizationRequest).where(
            WalletAuthorizationRequest.id == request.id,
            WalletAuthorizationRequest.used_at.is_(None)).values(used_at=now))
        if used.rowcount != 1:
            raise RequestError("invalid_request", WalletCode.ALREADY_ANSWERED)
        state = request.parameters.get("issuer_state")
        if state:
            s.execute(update(WalletGrant).where(WalletGrant.id == state)
                      .values(redeemed_at=now))
        grant_id = secrets.token_urlsafe(16)
        s.add(WalletGrant(id=grant_id, code_hash=_hash(code),
                          candidate_id=holder.candidate_id, offered=offered,
                          created_by="holder", created_at=now,
                          expires_at=now + timedelta(seconds=CODE_SECONDS), failed_attempts=0,
                          flow="authorization-code",
                          pkce_challenge=request.parameters["code_challenge"],
                          redirect_uri=request.redirect_uri, client_id=request.client_id,
                          client_provider=request.client_provider,
                          client_key=request.client_key))
        record_audit_event(s, "holder", "wallet.authorized", grant_id,
                           {"client_id": request.client_id, "wallet": request.client_name,
                            "provider": request.client_provider,
                            "redirect_uri": request.redirect_uri,
                            "credentials": sorted(offered)})
    return code


def deny(sessions: sessionmaker, request: PendingRequest, now: datetime) -> bool:
    """The holder refused: whether this answered the request (False: answered before)."""
    with sessions.begin() as s:
        return s.execute(update(WalletAuthorizationRequest).where(
            WalletAuthorizationRequest.id == request.id,
            WalletAuthorizationRequest.used_at.is_(None)).values(used_at=now)).rowcount == 1


def redeem_code(sessions: sessionmaker, code: str, verifier: str | None,
                redirect_uri: str | None, client_id: str | None,
                presented: PresentedAttestation | None, audience: str, now: datetime
                ) -> Grant:
    """§6.1 with RFC 7636 §4.6: the code, once, with the verifier of its challenge, by the
    client it was issued to (a `ClientAuthError` otherwise)."""
    with sessions.begin() as s:
        row = s.scalars(select(WalletGrant).where(WalletGrant.code_hash == _hash(code),
                                                  WalletGrant.flow == "authorization-code")
                        ).first()
        if row is None:
            raise GrantError("invalid_grant", "this authorization code is not known")
        authenticate_code_redemption(s, row, client_id, presented, audience, now)
        if as_utc(row.expires_at) <= now:
            raise GrantError("invalid_grant", "this authorization code has expired")
        if not verifier or not _VERIFIER.fullmatch(verifier) or not hmac.compare_digest(
                s256(verifier), row.pkce_challenge or ""):
            raise GrantError("invalid_grant", "the code_verifier does not match the "
                             "code_challenge (PKCE S256)")
        if redirect_uri != row.redirect_uri:
            raise GrantError("invalid_grant", "redirect_uri differs from the authorization "
                             "request's")
        used = s.execute(update(WalletGrant).where(
            WalletGrant.id == row.id, WalletGrant.redeemed_at.is_(None)).values(
            redeemed_at=now))
        if used.rowcount != 1:
            raise GrantError("invalid_grant", "this authorization code was already used")
        return Grant(row.id, row.candidate_id, dict(row.offered))
