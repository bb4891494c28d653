"""SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issue and verify, on `vc.sd_jwt`.

Why: the credential format EU wallets take (HAIP 1.0 §6). An SD-JWT VC is an SD-JWT with
`typ: dc+sd-jwt` (§3.2.1) whose payload has a `vct` (§3.2.2.1) and registered claims that
are never selectively disclosed (§3.2.2.2: `iss`, `nbf`, `exp`, `cnf`, `vct`,
`vct#integrity`, `aka_vcts`, `status`), the holder key in `cnf.jwk` and, for revocation, a
Token Status List reference in `status.status_list`.

Issuer (hot path: one `JwsSigner`, parsed once, signs every credential):

    signer = JwsSigner(issuer_certificate.jwk, x5c=issuer_certificate.x5c)
    sd_jwt_vc = issue_sd_jwt_vc(
        {"given_name": "Ada", "achievement": {...}}, disclosable=["given_name"],
        signer=signer, vct="https://issuer.example/vct/role", issuer="https://issuer.example",
        holder_jwk=wallet_jwk, status=("https://issuer.example/status/1", 4711),
        expires_at=...)

Verifier:

    verified = verify_sd_jwt_vc(text, keys=IssuerKeyPolicy(trust_anchors=[ca_cert]),
                                key_binding=KeyBindingRequirement(nonce, audience))

`verify_sd_jwt_vc` raises an `SdJwtError` subclass when the credential is forged or
malformed; whether it is good *now* (validity period, status) is for the caller to decide from
`VerifiedSdJwtVc` (`validity_problem`, `status`), so those outcomes stay separate.
"""
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vc.jose import (
    CompactJws,
    JwsError,
    JwsSigner,
    PublicKey,
    checked_public_jwk,
    public_jwk,
    public_key_from_jwk,
)
from vc.sd_jwt import ClaimPath, issue_sd_jwt, verify_sd_jwt
from vc.sd_jwt_errors import SdJwtFormatError
from vc.sd_jwt_kb import KeyBinding, KeyBindingRequirement
from vc.sd_jwt_vc_issuer_key import IssuerKey, IssuerKeyPolicy, resolve_issuer_key
from vc.token_status_list import StatusReference, TokenStatusListError

TYP = "dc+sd-jwt"
MEDIA_TYPE = "application/dc+sd-jwt"
# §3.2.2.2: these, with their sub-claims, must not be in Disclosures
NEVER_DISCLOSED = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts",
                             "status"})
# the claims issue_sd_jwt_vc sets from its arguments, never from `claims`
_SET_BY_ISSUER = NEVER_DISCLOSED | {"iat"}


def issue_sd_jwt_vc(claims: Mapping[str, Any], *,
                    disclosable: Iterable[str | Iterable[str | int]],
                    signer: JwsSigner, vct: str, issuer: str | None = None,
                    holder_jwk: Mapping[str, Any] | PublicKey | None = None,
                    status: StatusReference | tuple[str, int] | None = None,
                    issued_at: int | None = None, not_before: int | None = None,
                    expires_at: int | None = None, vct_integrity: str | None = None,
                    decoys: int = 0) -> str:
    """An SD-JWT VC as issued (`<JWT>~<Disclosures>~`). `claims` are the credential's own
    claims; the registered ones come from the arguments. `disclosable` paths (see
    `vc.sd_jwt`) must not start with a never-disclosed claim."""
    clash = _SET_BY_ISSUER & set(claims)
    if clash:
        raise SdJwtFormatError(f"claims must not set {sorted(clash)}; pass them as arguments")
    paths = [(p,) if isinstance(p, str) else tuple(p) for p in disclosable]
    for path in paths:
        if path and path[0] in NEVER_DISCLOSED:
            raise SdJwtFormatError(f"{path[0]!r} must never be selectively disclosed "
                                   "(draft-ietf-oauth-sd-jwt-vc §3.2.2.2)")
    if not isinstance(vct, str) or not vct:
        raise SdJwtFormatError("vct must be a non-empty string")
    payload: dict[str, Any] = {}
    if issuer is not None:
        payload["iss"] = issuer
    payload["iat"] = int(time.time()) if issued_at is None else issued_at
    for name, value in (("nbf", not_before), ("exp", expires_at)):
        if value is not None:
            payload[name] = value
    payload["vct"] = vct
    if vct_integrity is not None:
        payload["vct#integrity"] = vct_integrity
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": checked_public_jwk(holder_jwk, "the holder key")
                          if isinstance(holder_jwk, Mapping) else public_jwk(holder_jwk)}
    if status is not None:
        reference = status if isinstance(status, StatusReference) else StatusReference(*status)
        payload["status"] = reference.to_json()
    payload.update(claims)
    return issue_sd_jwt(payload, paths, signer, TYP, decoys=decoys)


@dataclass(frozen=True)
class VerifiedSdJwtVc:
    """An SD-JWT VC whose signature, issuer key, digests and (when presented) key binding all
    verified. `claims` is the processed payload: what the issuer signed plus what the holder
    disclosed."""

    claims: dict[str, Any]
    vct: str
    issuer: IssuerKey
    issued_at: int | None
    not_before: int | None
    expires_at: int | None
    status: StatusReference | None
    holder_key: PublicKey | None
    key_binding: KeyBinding | None
    disclosed: tuple[ClaimPath, ...]
    header: dict[str, Any]

    def validity_problem(self, now: float, skew_seconds: float = 300) -> str | None:
        """Why it is not valid at `now` (§3.2.2.2 `nbf`, `exp`), or None."""
        if self.not_before is not None and now + skew_seconds < self.not_before:
            return "not valid yet (nbf)"
        if self.expires_at is not None and now - skew_seconds > self.expires_at:
            return "expired (exp)"
        return None


def _time(claims: Mapping[str, Any], name: str) -> int | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise SdJwtFormatError(f"{name} is not a NumericDate (RFC 7519 §2)")
    return int(value)


def verify_sd_jwt_vc(text: object, *, keys: IssuerKeyPolicy,
                     key_binding: KeyBindingRequirement | None = None) -> VerifiedSdJwtVc:
    """§3.4 Verification and Processing: RFC 9901 §7 with the issuer key from `keys`
    (§3.5), then the SD-JWT VC rules on the processed payload. With `key_binding` a fresh
    KB-JWT is required (§3.4, RFC 9901 §7.3)."""
    found: list[IssuerKey] = []

    def issuer_key(jws: CompactJws) -> PublicKey:
        found.append(resolve_issuer_key(jws, keys))
        return found[-1].key

    verified = verify_sd_jwt(text, issuer_key=issuer_key, typ=TYP, key_binding=key_binding)
    claims = verified.claims
    for path in verified.disclosed:
        if path[0] in NEVER_DISCLOSED:
            raise SdJwtFormatError(f"{path[0]!r} was selectively disclosed; §3.2.2.2 forbids it")
    vct = claims.get("vct")
    if not isinstance(vct, str) or not vct:
        raise SdJwtFormatError("the credential has no vct (§3.2.2.1)")
    holder: PublicKey | None = None
    if "cnf" in claims:
        cnf = claims["cnf"]
        if not isinstance(cnf, dict) or "jwk" not in cnf:
            raise SdJwtFormatError("cnf must hold the holder key as jwk (RFC 7800 §3.2)")
        try:
            holder = public_key_from_jwk(cnf["jwk"], "cnf.jwk")
        except JwsError as e:
            raise SdJwtFormatError(str(e)) from None
    try:
        status = StatusReference.read(claims)
    except TokenStatusListError as e:
        raise SdJwtFormatError(str(e)) from None
    return VerifiedSdJwtVc(claims, vct, found[-1], _time(claims, "iat"), _time(claims, "nbf"),
                           _time(claims, "exp"), status, holder, verified.key_binding,
                           verified.disclosed, verified.header)
