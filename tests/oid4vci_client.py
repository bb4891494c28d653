"""A wallet written here, byte for byte, for what no real wallet library would send: an
attacker's pushed requests, forged or replayed Wallet Attestations, a holder's browser
answering the consent page. It runs the authorization code flow against a running s4c
(PAR, consent, token with DPoP, nonce, credential) and says where it was stopped.

JWTs are signed with the project's JOSE code (`vc.jose.JwsSigner`); the interoperable
path is the npm wallet's (tests/wallet/wallet.mjs), which makes its attestations with
@openid4vc/oauth2."""
import base64
import hashlib
import html
import http.cookiejar
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from vc.jose import JwsSigner, b64url_encode

ATTESTATION_TYP = "oauth-client-attestation+jwt"
POP_TYP = "oauth-client-attestation-pop+jwt"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the caller reads Location itself
        return None


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    url: str = ""

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    @property
    def text(self) -> str:
        return self.body.decode()


def send(url: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None,
         body: bytes | None = None) -> Answer:
    """One HTTP request to the loopback test server, redirects not followed."""
    data = urllib.parse.urlencode(form).encode() if form is not None else body
    request = urllib.request.Request(url, data=data, headers=headers or {},
                                     method="POST" if data is not None else "GET")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:  # loopback
            return Answer(response.status, response.read(), dict(response.headers), url)
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.read(), dict(e.headers), url)


def holder_cookie(base: str, sign_in_token: str) -> str:
    """The session cookie a holder's browser gets from their e-mailed sign-in link."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/holder/sign-in/{sign_in_token}", timeout=30).read()  # loopback
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def attestation(provider: JwsSigner, sub: str, instance: JwsSigner, *, exp_in: int = 3600,
                typ: str = ATTESTATION_TYP, **claims: Any) -> str:
    """A Wallet Attestation (draft -07 §5.1, OpenID4VCI 1.0 Appendix E) by `provider`."""
    now = int(time.time())
    return provider.sign(typ, {"iss": "https://provider.example", "sub": sub,
                               "iat": now, "exp": now + exp_in,
                               "cnf": {"jwk": instance.public_jwk()}, **claims})


def pop(instance: JwsSigner, client_id: str, aud: str, **claims: Any) -> str:
    """A Client Attestation PoP (draft -07 §5.2) by the instance key."""
    values = {"iss": client_id, "aud": aud, "jti": secrets.token_urlsafe(16),
              "iat": int(time.time()), **claims}
    return instance.sign(POP_TYP, values)


def unsigned(typ: str, claims: dict, alg: str = "none", key: bytes = b"") -> str:
    """A JWT with `alg` none, or an HMAC one (HS256 with `key`): never accepted."""
    header = b64url_encode(json.dumps({"alg": alg, "typ": typ}).encode())
    payload = b64url_encode(json.dumps(claims).encode())
    if alg == "none":
        return f"{header}.{payload}."
    import hmac
    mac = hmac.digest(key, f"{header}.{payload}".encode(), "sha256")
    return f"{header}.{payload}.{b64url_encode(mac)}"


def attestation_headers(jwt: str, proof: str) -> dict[str, str]:
    return {"OAuth-Client-Attestation": jwt, "OAuth-Client-Attestation-PoP": proof}


@dataclass
class Wallet:
    """A wallet client: `client_id`, `redirect_uri`, optionally an attestation of its own
    instance key by `provider`, and a DPoP key."""

    base: str
    client_id: str
    redirect_uri: str
    provider: JwsSigner | None = None
    attestation_claims: dict = field(default_factory=dict)
    instance: JwsSigner = field(default_factory=JwsSigner.generate)
    dpop_key: JwsSigner = field(default_factory=JwsSigner.generate)
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    dpop_nonce: str | None = None

    def client_auth(self) -> dict[str, str]:
        if self.provider is None:
            return {}
        jwt = attestation(self.provider, self.client_id, self.instance,
                          **self.attestation_claims)
        return attestation_headers(jwt, pop(self.instance, self.client_id, self.base))

    def dpop(self, url: str, access_token: str | None = None) -> str:
        claims: dict[str, Any] = {"htm": "POST", "htu": url, "iat": int(time.time()),
                                  "jti": secrets.token_urlsafe(12)}
        if access_token is not None:
            digest = hashlib.sha256(access_token.encode()).digest()
            claims["ath"] = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        if self.dpop_nonce:
            claims["nonce"] = self.dpop_nonce
        return self.dpop_key.sign("dpop+jwt", claims, {"jwk": self.dpop_key.public_jwk()})

    def _with_dpop(self, url: str, form: dict | None, headers: dict, body: bytes | None = None,
                   access_token: str | None = None) -> Answer:
        """RFC 9449 §8: once more with the server's DPoP nonce if it asks for one."""
        for _ in range(2):
            answer = send(url, form, {**headers, "DPoP": self.dpop(url, access_token)}, body)
            nonce = answer.headers.get("DPoP-Nonce")
            if answer.status in (400, 401) and nonce and b"use_dpop_nonce" in answer.body:
                self.dpop_nonce = nonce
                continue
            return answer
        return answer

    def par(self, scope: str, extra: dict[str, str] | None = None,
            headers: dict[str, str] | None = None) -> Answer:
        challenge = base64.urlsafe_b64encode(hashlib.sha256(
            self.verifier.encode()).digest()).decode().rstrip("=")
        form = {"response_type": "code", "client_id": self.client_id,
                "redirect_uri": self.redirect_uri, "scope": scope, "state": "st",
                "code_challenge": challenge, "code_challenge_method": "S256", **(extra or {})}
        return send(self.base + "/oid4vci/par", form,
                    headers if headers is not None else self.client_auth())

    def token(self, code: str, client_id: str | None = "",
              headers: dict[str, str] | None = None) -> Answer:
        form = {"grant_type": "authorization_code", "code": code,
                "code_verifier": self.verifier, "redirect_uri": self.redirect_uri}
        if client_id is not None:
            form["client_id"] = client_id or self.client_id
        auth = headers if headers is not None else self.client_auth()
        return self._with_dpop(self.base + "/oid4vci/token", form, auth)

    def credential(self, access_token: str, configuration_id: str) -> Answer:
        nonce = send(self.base + "/oid4vci/nonce", {}).json()["c_nonce"]
        holder = JwsSigner.generate()
        proof = holder.sign("openid4vci-proof+jwt",
                            {"aud": self.base, "iat": int(time.time()), "nonce": nonce},
                            {"jwk": holder.public_jwk()})
        body = json.dumps({"credential_configuration_id": configuration_id,
                           "proofs": {"jwt": [proof]}}).encode()
        return self._with_dpop(self.base + "/oid4vci/credential", None,
                               {"Authorization": f"DPoP {access_token}",
                                "Content-Type": "application/json"}, body, access_token)


def consent_page(base: str, request_uri: str, client_id: str, cookie: str,
                 language: str = "en") -> Answer:
    query = urllib.parse.urlencode({"client_id": client_id, "request_uri": request_uri})
    return send(f"{base}/oid4vci/authorize?{query}",
                headers={"Cookie": cookie, "Accept-Language": language})


def answer_consent(base: str, page: Answer, cookie: str, decision: str,
                   extra: dict[str, str] | None = None) -> Answer:
    """The holder presses a button of the page: its form, as a browser submits it."""
    consent = next((m for m in re.finditer(
        r'<form method="post"(?: action="([^"]+)")?[^>]*>(.*?)</form>', page.text, re.DOTALL)
        if 'id="allow"' in m.group(2)), None)
    assert consent, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                             consent.group(2)))
    form = {k: html.unescape(v) for k, v in fields.items()} | {"decision": decision,
                                                                 **(extra or {})}
    # a form without `action` goes back to the page's own address, as in a browser
    target = base + html.unescape(consent.group(1)) if consent.group(1) else page.url
    return send(target, form, {"Cookie": cookie})


def code_of(location: str) -> str | None:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [None])[0]


def phish(wallet: Wallet, cookie: str, scope: str) -> dict:
    """The whole path: the attacker's wallet pushes its request, the signed-in
    holder agrees on the page, the code reaches the attacker's redirect URI, he trades it
    for a token and gets the holder's credential bound to his own key. Returns where it
    stopped: {"stage", "status", "body"}; stage "credential" with status 200 is a theft."""
    pushed = wallet.par(scope)
    if pushed.status != 201:
        return {"stage": "par", "status": pushed.status, "body": pushed.json()}
    page = consent_page(wallet.base, pushed.json()["request_uri"], wallet.client_id, cookie)
    if page.status != 200:
        return {"stage": "consent", "status": page.status, "body": page.text}
    agreed = answer_consent(wallet.base, page, cookie, "allow")
    location = agreed.headers.get("Location", "")
    code = code_of(location)
    if agreed.status != 303 or not location.startswith(wallet.redirect_uri) or not code:
        return {"stage": "redirect", "status": agreed.status, "body": location}
    token = wallet.token(code)
    if token.status != 200:
        return {"stage": "token", "status": token.status, "body": token.json()}
    issued = wallet.credential(token.json()["access_token"], scope)
    return {"stage": "credential", "status": issued.status, "body": issued.json()}
