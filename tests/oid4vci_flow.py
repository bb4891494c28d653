"""A wallet speaking OpenID4VCI to an app's test client, as tools.bench_oid4vci's client does:
DPoP proofs (RFC 9449) carrying the last DPoP-Nonce the server gave, key proofs over c_nonces.
For tests that need to send exactly what they choose (a replayed proof, a reused nonce)."""
import hashlib
import json
import secrets
import time
from urllib.parse import urlencode

from tools.bench_oid4vci import PRE_AUTHORIZED_GRANT, _b64, _Key

BASE = "http://127.0.0.1:8000"


class Wallet:
    def __init__(self, app, base: str = BASE) -> None:
        self.client = app.test_client()
        self.base = base
        self.dpop_key = _Key()
        self.dpop_nonce: str | None = None
        self.challenges = 0  # use_dpop_nonce answers received

    def dpop(self, path: str, access_token: str | None = None, nonce: str | None = None,
             jti: str | None = None) -> str:
        claims = {"htm": "POST", "htu": self.base + path, "iat": int(time.time()),
                  "jti": jti or secrets.token_urlsafe(12)}
        if access_token:
            claims["ath"] = _b64(hashlib.sha256(access_token.encode()).digest())
        if nonce or self.dpop_nonce:
            claims["nonce"] = nonce or self.dpop_nonce
        return self.dpop_key.jwt("dpop+jwt", claims)

    def post(self, path: str, access_token: str | None = None, proof: str | None = None,
             **kwargs):
        """POST with a DPoP proof (`proof`, or a new one); a new proof with the server's nonce
        once when it asks for one (`use_dpop_nonce`)."""
        headers = dict(kwargs.pop("headers", {}))
        if access_token:
            headers["Authorization"] = f"DPoP {access_token}"
        for _ in range(2):
            response = self.client.post(path, base_url=self.base, headers={
                **headers, "DPoP": proof or self.dpop(path, access_token)}, **kwargs)
            if response.headers.get("DPoP-Nonce"):
                self.dpop_nonce = response.headers["DPoP-Nonce"]
            if proof is not None or (response.json or {}).get("error") != "use_dpop_nonce":
                return response
            self.challenges += 1
        return response

    def token(self, offer) -> str:
        form = {"grant_type": PRE_AUTHORIZED_GRANT,
                "pre-authorized_code": offer.pre_authorized_code, "tx_code": offer.tx_code}
        response = self.post("/oid4vci/token", data=urlencode(form),
                             content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200, response.json
        return response.json["access_token"]

    def c_nonce(self) -> str:
        return self.client.post("/oid4vci/nonce", base_url=self.base).json["c_nonce"]

    def key_proof(self, holder: _Key, nonce: str | None = None) -> str:
        return holder.jwt("openid4vci-proof+jwt", {"aud": self.base, "iat": int(time.time()),
                                                   "nonce": nonce or self.c_nonce()})

    def credential(self, access_token: str, configuration_id: str, proofs: list[str],
                   proof: str | None = None):
        return self.post("/oid4vci/credential", access_token, proof,
                         data=json.dumps({"credential_configuration_id": configuration_id,
                                          "proofs": {"jwt": proofs}}),
                         content_type="application/json")
