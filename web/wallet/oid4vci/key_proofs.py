"""The key proofs of a Credential Request (OpenID4VCI 1.0 §8.2 `proofs`, Appendix F.1): each a
JWT of typ openid4vci-proof+jwt, for this issuer (`aud`), recent (`iat`), over a fresh c_nonce
of ours (§7). Each c_nonce serves one Credential Request (§13.8 lets the issuer decide how
long a nonce can be used): the request's nonces are recorded as used in the transaction that
records its copies (`issuer.wallet_limits`), so a replayed proof, or a new proof over a nonce
already used, gets `invalid_nonce` on every worker.
"""
from dataclasses import dataclass
from typing import Any

from issuer.wallet_issuing import HolderKey
from issuer.wallet_limits import SingleUse
from web.wallet.oid4vci.holder_jwt import HolderJwtError, did_jwk, read_holder_jwt
from web.wallet.oid4vci.tokens import c_nonce_expiry

PROOF_TYP = "openid4vci-proof+jwt"
PROOF_MAX_AGE_S = 300


class RefusedRequest(Exception):
    """A Credential Request refused with a §8.3.1.2 error code."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass(frozen=True)
class KeyProofs:
    keys: list[HolderKey]  # one copy per key, in the order of the proofs
    nonces: list[SingleUse]  # the c_nonces they use, to record as used


def read_key_proofs(proofs: Any, now: float, audience: str, mac_key: bytes,
                    batch_size: int) -> KeyProofs:
    """The holder keys of `proofs` ({"jwt": [...]}) and the c_nonces they carry; raises
    RefusedRequest."""
    if not isinstance(proofs, dict) or set(proofs) != {"jwt"} \
            or not isinstance(proofs["jwt"], list) or not proofs["jwt"]:
        raise RefusedRequest("invalid_proof", "proofs must be an object whose one member, "
                             "jwt, is a list of one or more key proofs")
    if len(proofs["jwt"]) > batch_size:
        raise RefusedRequest("invalid_credential_request",
                             f"at most {batch_size} proofs per request")
    if len(set(map(str, proofs["jwt"]))) != len(proofs["jwt"]):
        raise RefusedRequest("invalid_proof", "the same key proof is sent twice: each copy "
                             "needs its own proof")
    keys: list[HolderKey] = []
    nonces: dict[str, SingleUse] = {}
    for jwt in proofs["jwt"]:
        try:
            proof = read_holder_jwt(jwt, PROOF_TYP, allow_did_jwk=True)
        except HolderJwtError as e:
            raise RefusedRequest("invalid_proof", str(e)) from e
        claims = proof.claims
        if claims.get("aud") != audience:
            raise RefusedRequest("invalid_proof", f"the key proof's aud must be {audience}")
        iat = claims.get("iat")
        if not isinstance(iat, int) or isinstance(iat, bool) \
                or abs(now - iat) > PROOF_MAX_AGE_S:
            raise RefusedRequest("invalid_proof",
                                 f"the key proof's iat must be within {PROOF_MAX_AGE_S} s of now")
        nonce = claims.get("nonce")
        expires = c_nonce_expiry(mac_key, nonce, now)
        if expires is None:
            raise RefusedRequest("invalid_nonce", "the key proof's nonce is missing, stale or "
                                 "not ours: ask the nonce endpoint for a new one")
        nonces[str(nonce)] = SingleUse("c_nonce", str(nonce), expires)
        keys.append(HolderKey(proof.jwk, proof.thumbprint, did_jwk(proof.jwk)))
    return KeyProofs(keys, list(nonces.values()))
