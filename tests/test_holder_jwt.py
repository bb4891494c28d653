"""Wallet-signed JWTs (DPoP proofs, OpenID4VCI key proofs) as the issuer reads them: made
here by joserfc (an independent JOSE library), checked by web.wallet.oid4vci.holder_jwt."""
import base64
import json

import pytest
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey

from web.wallet.oid4vci.holder_jwt import HolderJwtError, read_holder_jwt

TYP = "dpop+jwt"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _token(key, header: dict | None = None, claims: dict | None = None) -> str:
    alg = "ES256" if isinstance(key, ECKey) else "EdDSA"
    protected = {"typ": TYP, "alg": alg, "jwk": key.as_dict(private=False), **(header or {})}
    payload = json.dumps(claims if claims is not None else {"htm": "POST", "jti": "1"})
    return jws.serialize_compact(protected, payload, key, algorithms=[alg])


@pytest.fixture(params=["ES256", "EdDSA"])
def key(request):
    return ECKey.generate_key("P-256") if request.param == "ES256" \
        else OKPKey.generate_key("Ed25519")


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")
def test_a_proof_verifies_with_the_key_in_its_header_and_names_its_thumbprint(key):
    read = read_holder_jwt(_token(key), TYP)
    assert read.claims == {"htm": "POST", "jti": "1"}
    assert read.thumbprint == key.thumbprint()  # RFC 7638, as joserfc computes it
    assert "d" not in read.jwk


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")
def test_a_proof_signed_by_another_key_than_its_header_names_is_refused(key):
    other = type(key).generate_key("P-256" if isinstance(key, ECKey) else "Ed25519")
    forged = _token(other, {"jwk": key.as_dict(private=False)})
    with pytest.raises(HolderJwtError, match="does not verify"):
        read_holder_jwt(forged, TYP)


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")
def test_a_changed_payload_or_a_mangled_signature_is_refused(key):
    header, payload, signature = _token(key).split(".")
    changed = _b64(json.dumps({"htm": "GET", "jti": "1"}).encode())
    for token in (f"{header}.{changed}.{signature}", f"{header}.{payload}.{signature[:-4]}",
                  f"{header}.{payload}.{signature}==", f"{header}.{payload}.{'A' * 86}"):
        with pytest.raises(HolderJwtError, match="does not verify"):
            read_holder_jwt(token, TYP)


def test_a_key_that_is_not_a_point_of_the_curve_is_refused():
    key = ECKey.generate_key("P-256")
    public = key.as_dict(private=False)
    y = int.from_bytes(base64.urlsafe_b64decode(public["y"] + "=="), "big")
    off_curve = {**public, "y": _b64(((y + 1) % 2**256).to_bytes(32, "big"))}
    with pytest.raises(HolderJwtError, match="does not verify"):
        read_holder_jwt(_token(key, {"jwk": off_curve}), TYP)


def test_none_hmac_private_keys_and_wrong_types_are_refused():
    key = ECKey.generate_key("P-256")
    good = _token(key)
    payload = good.split(".")[1]
    unsigned = _b64(json.dumps({"typ": TYP, "alg": "none",
                                "jwk": key.as_dict(private=False)}).encode())
    with pytest.raises(HolderJwtError, match="not accepted"):
        read_holder_jwt(f"{unsigned}.{payload}.", TYP)
    with pytest.raises(HolderJwtError, match="private key"):
        read_holder_jwt(_token(key, {"jwk": key.as_dict(private=True)}), TYP)
    with pytest.raises(HolderJwtError, match="typ"):
        read_holder_jwt(good, "openid4vci-proof+jwt")
    with pytest.raises(HolderJwtError, match="P-256"):
        read_holder_jwt(_token(key, {"jwk": OKPKey.generate_key("Ed25519")
                                     .as_dict(private=False)}), TYP)
