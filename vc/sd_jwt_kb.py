"""The Key Binding JWT of an SD-JWT (RFC 9901 §4.3, verified per §7.3).

Why: without it anyone who copied a holder's SD-JWT could present it. The KB-JWT is signed by
the key the issuer put in `cnf` (RFC 7800 §3.2, a `jwk`), names the verifier (`aud`) and its
one-time `nonce`, is recent (`iat`), and covers exactly the Disclosures sent (`sd_hash`), so a
replay to another verifier, a stale presentation or a re-cut set of Disclosures all fail.
"""
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from vc.jose import (
    CompactJws,
    JwsError,
    JwsSignatureError,
    JwsSigner,
    PublicKey,
    b64url_encode,
    public_key_from_jwk,
)
from vc.sd_jwt_errors import KeyBindingError

KB_TYP = "kb+jwt"


def sd_hash(presented: str) -> str:
    """§4.3.1: base64url SHA-256 of the ASCII of the SD-JWT up to and including the last `~`."""
    return b64url_encode(hashlib.sha256(presented.encode("ascii")).digest())


@dataclass(frozen=True)
class KeyBindingRequirement:
    """What the verifier expects of the KB-JWT: its own nonce and audience, and a recent
    `iat` (at most `max_age_seconds` old, at most `skew_seconds` in the future)."""

    nonce: str
    audience: str
    now: float | None = None  # epoch seconds; None: the current time
    max_age_seconds: float = 300
    skew_seconds: float = 60


@dataclass(frozen=True)
class KeyBinding:
    """A verified KB-JWT."""

    holder_key: PublicKey
    nonce: str
    audience: str
    issued_at: float
    checked_against_requirement: bool  # False: presented but the verifier asked for none


def make_kb_jwt(holder: JwsSigner, presented: str, nonce: str, audience: str,
                issued_at: int | None = None) -> str:
    claims = {"iat": int(time.time()) if issued_at is None else issued_at,
              "aud": audience, "nonce": nonce, "sd_hash": sd_hash(presented)}
    return _sign_without_kid(holder, claims)


def _sign_without_kid(holder: JwsSigner, claims: dict[str, Any]) -> str:
    """§4.3: the header has `typ` and `alg`; the key is the one in `cnf`, so no `kid`."""
    bare = JwsSigner(holder.key) if holder.kid or holder.x5c else holder
    return bare.sign(KB_TYP, claims)


def _holder_key(cnf: object) -> PublicKey:
    if not isinstance(cnf, dict) or "jwk" not in cnf:
        raise KeyBindingError("the credential names no holder key (cnf.jwk, RFC 7800 §3.2), so "
                              "a Key Binding JWT cannot be checked")
    try:
        return public_key_from_jwk(cnf["jwk"], "the holder key (cnf.jwk)")
    except JwsError as e:
        raise KeyBindingError(str(e)) from None


def verify_kb_jwt(kb_jwt: str | None, presented: str, cnf: object,
                  requirement: KeyBindingRequirement | None) -> KeyBinding | None:
    """§7.3. None when no KB-JWT was presented and none was required."""
    if kb_jwt is None:
        if requirement is not None:
            raise KeyBindingError("the verifier requires key binding, but no Key Binding JWT "
                                  "was presented")
        return None
    key = _holder_key(cnf)
    try:
        jws = CompactJws.parse(kb_jwt, "the Key Binding JWT")
        jws.require_typ(KB_TYP, "the Key Binding JWT")
        jws.verify(key, "the Key Binding JWT")
    except JwsSignatureError as e:
        raise KeyBindingError(f"{e}: it was not signed by the holder key in cnf") from None
    except JwsError as e:
        raise KeyBindingError(str(e)) from None
    claims = jws.payload
    nonce, audience, iat = claims.get("nonce"), claims.get("aud"), claims.get("iat")
    if not isinstance(nonce, str) or not isinstance(audience, str):
        raise KeyBindingError("the Key Binding JWT must carry nonce and aud as strings")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise KeyBindingError("the Key Binding JWT must carry iat as a number")
    if not hmac.compare_digest(str(claims.get("sd_hash")), sd_hash(presented)):
        raise KeyBindingError("sd_hash of the Key Binding JWT does not match the presented "
                              "SD-JWT (Disclosures added, removed or changed)")
    if requirement is not None:
        if not hmac.compare_digest(nonce.encode(), requirement.nonce.encode()):
            raise KeyBindingError("the Key Binding JWT answers another nonce (stale or replayed)")
        if audience != requirement.audience:
            raise KeyBindingError(f"the Key Binding JWT is for audience {audience[:80]!r}, not "
                                  f"{requirement.audience!r}")
        now = time.time() if requirement.now is None else requirement.now
        if iat > now + requirement.skew_seconds:
            raise KeyBindingError("the Key Binding JWT is dated in the future")
        if iat < now - requirement.max_age_seconds - requirement.skew_seconds:
            raise KeyBindingError(f"the Key Binding JWT is older than "
                                  f"{int(requirement.max_age_seconds)} s")
    return KeyBinding(key, nonce, audience, float(iat), requirement is not None)
