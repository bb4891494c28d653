"""Our SD-JWT VCs and Status List Tokens against an independent implementation: the OpenWallet
Foundation's @sd-jwt/sd-jwt-vc and @sd-jwt/jwt-status-list (npm, pinned in tests/interop),
driven through tests/interop/sd_jwt.mjs. They verify what we issue; we verify what they
issue."""
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from vc.fetch import StaticFetcher
from vc.jose import JwsSigner, b64url_decode, b64url_encode, json_bytes
from vc.sd_jwt import present_sd_jwt
from vc.sd_jwt_errors import KeyBindingError
from vc.sd_jwt_kb import KeyBindingRequirement
from vc.sd_jwt_vc import issue_sd_jwt_vc, verify_sd_jwt_vc
from vc.sd_jwt_vc_issuer_key import IssuerKeyPolicy, metadata_url
from vc.token_status_list import StatusList, TokenStatus, sign_status_list_token
from vc.x509_chain import make_demo_ca, make_issuer_certificate

SCRIPT = Path(__file__).parent / "interop" / "sd_jwt.mjs"
ISS = "https://cert.example.org"
VCT = "https://cert.example.org/vct/smart-city-manager"
STATUS_URI = "https://cert.example.org/status/sd-jwt/1"
CA = make_demo_ca()
CERT = make_issuer_certificate(CA, dns_name="cert.example.org", uri=ISS)
SIGNER = JwsSigner(CERT.jwk, x5c=CERT.x5c)
HOLDER = JwsSigner.generate()
ISSUER_JWK = SIGNER.public_jwk()


@pytest.fixture(scope="module", autouse=True)
def npm_installed():
    installed = (SCRIPT.parent / "node_modules" / "@sd-jwt" / "sd-jwt-vc").is_dir()
    if shutil.which("node") is None or not installed:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must check SD-JWT VC with @sd-jwt: run .ci/install-test-deps")
        pytest.skip("@sd-jwt is not installed (npm ci --prefix tests/interop)")


def node(request: dict) -> dict:
    done = subprocess.run(["node", str(SCRIPT)], cwd=SCRIPT.parent, input=json.dumps(request),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def issued(index: int = 5) -> str:
    return issue_sd_jwt_vc(
        {"given_name": "Ada", "family_name": "Lovelace",
         "achievement": {"id": "https://skills4cities.eu/framework/roles/SCM", "eqf_level": 6}},
        disclosable=["given_name", "family_name"], signer=SIGNER, vct=VCT, issuer=ISS,
        holder_jwk=HOLDER.public_jwk(), status=(STATUS_URI, index),
        expires_at=int(time.time()) + 3600)


def status_token() -> str:
    status_list = StatusList(1024, 2)
    status_list.set(7, TokenStatus.INVALID)
    status_list.set(9, TokenStatus.SUSPENDED)
    return sign_status_list_token(status_list, uri=STATUS_URI, signer=SIGNER)


def test_they_verify_our_issued_sd_jwt_vc_with_every_claim():
    answer = node({"op": "verify", "sdJwt": issued(), "issuerJwk": ISSUER_JWK,
                   "statusListToken": status_token()})
    assert answer["ok"], answer
    assert answer["header"]["typ"] == "dc+sd-jwt"
    payload = answer["payload"]
    assert payload["given_name"] == "Ada" and payload["family_name"] == "Lovelace"
    assert payload["vct"] == VCT and payload["cnf"]["jwk"] == HOLDER.public_jwk()


def test_they_verify_our_selective_presentation_with_key_binding():
    text = present_sd_jwt(issued(), disclose=["given_name"], holder=HOLDER, nonce="nonce-77",
                          audience="https://verifier.example")
    answer = node({"op": "verify", "sdJwt": text, "issuerJwk": ISSUER_JWK,
                   "nonce": "nonce-77", "statusListToken": status_token()})
    assert answer["ok"], answer
    assert answer["payload"]["given_name"] == "Ada"
    assert "family_name" not in answer["payload"]
    assert answer["kb"]["aud"] == "https://verifier.example"
    assert answer["kb"]["nonce"] == "nonce-77"


def test_they_refuse_our_key_binding_for_another_nonce():
    text = present_sd_jwt(issued(), holder=HOLDER, nonce="nonce-77", audience="https://v")
    answer = node({"op": "verify", "sdJwt": text, "issuerJwk": ISSUER_JWK,
                   "nonce": "another", "statusListToken": status_token()})
    assert not answer["ok"] and "Nonce" in answer["error"]


def test_they_never_take_the_value_of_a_tampered_disclosure():
    """@sd-jwt 0.15 ignores a Disclosure that matches no digest (RFC 9901 §7.1 says reject:
    ours does, tests/test_sd_jwt.py); either way the forged value must not be a claim."""
    parts = issued().split("~")
    salt, name, _ = json.loads(b64url_decode(parts[1], "d"))
    parts[1] = b64url_encode(json_bytes([salt, name, "Mallory"]))
    answer = node({"op": "verify", "sdJwt": "~".join(parts), "issuerJwk": ISSUER_JWK,
                   "statusListToken": status_token()})
    assert not answer["ok"] or (name not in answer["payload"]
                                and "Mallory" not in json.dumps(answer["payload"])), answer


def test_they_refuse_our_credential_under_another_issuer_key():
    answer = node({"op": "verify", "sdJwt": issued(), "issuerJwk": HOLDER.public_jwk(),
                   "statusListToken": status_token()})
    assert not answer["ok"] and "Signature" in answer["error"]


@pytest.mark.parametrize("index", [7, 9])
def test_they_refuse_our_revoked_and_suspended_indexes(index):
    answer = node({"op": "verify", "sdJwt": issued(index), "issuerJwk": ISSUER_JWK,
                   "statusListToken": status_token()})
    assert not answer["ok"] and "Status is not valid" in answer["error"]


def test_they_read_our_status_list_token():
    token = status_token()
    for index, expected in ((7, 1), (9, 2), (8, 0)):
        answer = node({"op": "status", "token": token, "jwk": ISSUER_JWK, "idx": index})
        assert answer["ok"] and answer["status"] == expected
        assert answer["typ"] == "statuslist+jwt" and answer["sub"] == STATUS_URI
        assert answer["bits"] == 2


def their_credential(nonce: str = "n-1") -> dict:
    return node({"op": "issue", "claims": {"vct": VCT, "iss": ISS, "given_name": "Ada",
                                           "family_name": "Lovelace"},
                 "disclosable": ["given_name", "family_name"], "present": ["given_name"],
                 "nonce": nonce, "aud": "https://verifier.example"})


def metadata_keys(jwk: dict) -> IssuerKeyPolicy:
    metadata = {"issuer": ISS, "jwks": {"keys": [jwk]}}
    return IssuerKeyPolicy(metadata_fetcher=StaticFetcher(
        {metadata_url(ISS): json.dumps(metadata).encode()}))


def test_we_verify_their_issued_sd_jwt_vc_and_presentation():
    theirs = their_credential()
    keys = metadata_keys(theirs["issuerJwk"])
    full = verify_sd_jwt_vc(theirs["issued"], keys=keys)
    assert full.claims["given_name"] == "Ada" and full.claims["family_name"] == "Lovelace"
    assert full.issuer.method == "jwt-vc-issuer"
    shown = verify_sd_jwt_vc(theirs["presentation"], keys=keys, key_binding=KeyBindingRequirement(
        "n-1", "https://verifier.example"))
    assert shown.claims["given_name"] == "Ada" and "family_name" not in shown.claims
    assert shown.key_binding is not None


def test_we_refuse_their_presentation_for_another_nonce_or_audience():
    theirs = their_credential()
    keys = metadata_keys(theirs["issuerJwk"])
    with pytest.raises(KeyBindingError, match="another nonce"):
        verify_sd_jwt_vc(theirs["presentation"], keys=keys,
                         key_binding=KeyBindingRequirement("n-2", "https://verifier.example"))
    with pytest.raises(KeyBindingError, match="audience"):
        verify_sd_jwt_vc(theirs["presentation"], keys=keys,
                         key_binding=KeyBindingRequirement("n-1", "https://other.example"))
