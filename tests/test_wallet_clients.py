"""A holder's credential cannot be phished into an attacker's wallet.

Against a running s4c (an in-process server on loopback) with the demo data: the attacker's
whole path (his wallet pushes a request, the signed-in holder agrees, the code reaches his
redirect URI, he takes the credential with his own key) stops at PAR, whatever he sends: his
own client_id, a registered one with his redirect URI, `javascript:`, a forged, expired or
replayed Wallet Attestation. A registered wallet and an attested one (the OpenWallet
Foundation's npm libraries make its attestation) complete the same path; the consent page
names them, in the holder's language, and where the browser goes."""
import json
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from oid4vci_client import (
    Wallet,
    answer_consent,
    attestation,
    attestation_headers,
    code_of,
    consent_page,
    holder_cookie,
    phish,
    pop,
    send,
    unsigned,
)
from oid4vci_wallet import need_wallet, run_wallet
from sqlalchemy import func, select
from werkzeug.serving import make_server

from issuer.audit import AuditEvent
from issuer.demo import seed_demo
from issuer.holder_sign_in import find_holder, make_link
from issuer.models import WalletAuthorizationRequest
from vc.jose import JwsSigner
from vc.x509_chain import make_demo_ca, make_issuer_certificate
from web.app import create_app
from web.cli import main
from web.cli.context import issuer_service
from web.wallet.oid4vci.offers import offer_uri
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings

HOLDER = "maria-ivanova@example.org"
WALLET, WALLET_NAME = "s4c-test-wallet", "Wallet Éclair"
REDIRECT = "https://wallet.example/callback"
PROVIDER, X509_PROVIDER = "Trusted Wallet Provider", "Trusted X.509 Provider"
ATTESTED_REDIRECT = "https://attested.example/cb"  # registered for PROVIDER's wallets
ATTESTED = "https://attested.example/wallet"  # the sub (client_id) its wallets share
ATTACKER_REDIRECT = "https://attacker.example/cb"


class Site:
    def __init__(self, base: str, settings: Settings, data_dir: Path) -> None:
        self.base, self.settings, self.data_dir = base, settings, data_dir
        self.provider = JwsSigner.generate()  # PROVIDER's key
        self.ca = make_demo_ca("Trusted X.509 Provider CA")
        self.leaf = make_issuer_certificate(self.ca, dns_name="provider.example")

    def s4c(self, *args: str, ok: bool = True):
        result = CliRunner().invoke(main, ["--data-dir", str(self.data_dir), *args],
                                    env={"S4C_PUBLIC_URL": self.base})
        assert (result.exit_code == 0) == ok, result.output
        return result

    def cookie(self) -> str:
        with issuer_service(self.settings).sessions.begin() as s:
            token = make_link(s, find_holder(s, HOLDER), "test", datetime.now(UTC))
        return holder_cookie(self.base, token)

    def count(self, model, *where) -> int:
        with issuer_service(self.settings).sessions() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    data_dir = tmp_path_factory.mktemp("clients") / "data"
    settings = Settings.from_environment(data_dir, environ={"S4C_PUBLIC_URL": base})
    prepare_data_dir(settings)
    seed_demo(issuer_service(settings))
    holder["app"] = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    running = Site(base, settings, data_dir)
    keys = data_dir.parent
    (keys / "provider.jwk").write_text(json.dumps(running.provider.public_jwk()))
    (keys / "ca.pem").write_bytes(running.ca.pem())
    running.s4c("wallet-client", "add", WALLET, "--name", WALLET_NAME, "--redirect-uri",
                REDIRECT)
    running.s4c("wallet-provider", "add", PROVIDER, "--jwk", str(keys / "provider.jwk"),
                "--redirect-uri", ATTESTED_REDIRECT)
    running.s4c("wallet-provider", "add", X509_PROVIDER, "--certificate", str(keys / "ca.pem"))
    yield running
    server.shutdown()


@pytest.fixture(scope="module")
def scope(site) -> str:
    """A configuration the holder has a credential of (their role, as an SD-JWT VC)."""
    service = issuer_service(site.settings)
    candidate = service.candidate_by_email(HOLDER)
    assert candidate is not None
    role = next(c for c in service.credentials(candidate.ref) if c.kind == "role")
    return f"{role.code}-sd_jwt"


def _attested(site: Site, **claims) -> Wallet:
    return Wallet(site.base, ATTESTED, ATTESTED_REDIRECT, site.provider, claims)


# -- the attacker's path ------------------------------------------------------------------
@pytest.mark.parametrize("redirect_uri", [ATTACKER_REDIRECT, "javascript:alert(document.cookie)"])
def test_the_phishing_path_stops_at_par_for_a_wallet_nobody_registered(site, scope,
                                                                        redirect_uri):
    before = site.count(WalletAuthorizationRequest)
    stopped = phish(Wallet(site.base, "attacker-wallet", redirect_uri), site.cookie(), scope)
    assert (stopped["stage"], stopped["status"]) == ("par", 401), stopped
    assert stopped["body"]["error"] == "invalid_client"
    assert site.count(WalletAuthorizationRequest) == before  # nothing kept for a page


@pytest.mark.parametrize("redirect_uri", [
    ATTACKER_REDIRECT, "javascript:alert(document.cookie)", "data:text/html,<script>x</script>",
    REDIRECT + "#frag", REDIRECT + "?to=attacker.example", REDIRECT + "/../evil",
    "http://wallet.example/callback", "HTTPS://wallet.example/callback",
    "https://wallet.example@attacker.example/callback"])
def test_a_copied_client_id_with_the_attackers_redirect_uri_is_refused(site, scope,
                                                                       redirect_uri):
    stopped = phish(Wallet(site.base, WALLET, redirect_uri), site.cookie(), scope)
    assert (stopped["stage"], stopped["status"]) == ("par", 400), stopped
    assert stopped["body"]["error"] == "invalid_request"


def test_the_same_path_gives_a_registered_wallet_the_holders_credential(site, scope):
    """The path `phish` walks is real: the wallet the operator registered walks it to the
    end (so where it stops for the attacker, it is the check that stops it)."""
    done = phish(Wallet(site.base, WALLET, REDIRECT), site.cookie(), scope)
    assert (done["stage"], done["status"]) == ("credential", 200), done
    assert done["body"]["credentials"][0]["credential"].count("~") >= 1  # an SD-JWT VC
    with issuer_service(site.settings).sessions() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "wallet.authorized")
                          .order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.detail is not None
        assert (event.detail["wallet"], event.detail["redirect_uri"]) == (WALLET_NAME, REDIRECT)


# -- forged and replayed attestations -------------------------------------------------------
def _forgeries(site: Site) -> dict[str, tuple[str, str]]:
    """Attestation and PoP pairs an attacker can make, each with what is wrong."""
    aud, instance, stranger = site.base, JwsSigner.generate(), JwsSigner.generate()
    good = attestation(site.provider, ATTESTED, instance)
    claims = {"iss": "https://provider.example", "sub": ATTESTED,
              "exp": int(time.time()) + 600, "cnf": {"jwk": instance.public_jwk()}}
    untrusted_leaf = make_issuer_certificate(make_demo_ca("Attacker CA"),
                                             dns_name="provider.example")
    private = {**instance.key.as_dict(private=True)}
    return {
        "an untrusted provider's key": (attestation(stranger, ATTESTED, instance),
                                        pop(instance, ATTESTED, aud)),
        "alg none": (unsigned("oauth-client-attestation+jwt", claims),
                     pop(instance, ATTESTED, aud)),
        "HS256 with a public value as key": (
            unsigned("oauth-client-attestation+jwt", claims, "HS256",
                     json.dumps(site.provider.public_jwk()).encode()),
            pop(instance, ATTESTED, aud)),
        "a chain to an untrusted CA": (
            JwsSigner(untrusted_leaf.jwk, x5c=untrusted_leaf.x5c).sign(
                "oauth-client-attestation+jwt", claims), pop(instance, ATTESTED, aud)),
        "its own key in the header": (
            stranger.sign("oauth-client-attestation+jwt", claims,
                          {"jwk": stranger.public_jwk()}), pop(instance, ATTESTED, aud)),
        "the wrong typ": (attestation(site.provider, ATTESTED, instance, typ="JWT"),
                          pop(instance, ATTESTED, aud)),
        "a private key in cnf": (attestation(site.provider, ATTESTED, instance,
                                             cnf={"jwk": private}),
                                 pop(instance, ATTESTED, aud)),
        "a javascript: redirect URI signed in": (
            attestation(site.provider, ATTESTED, instance, redirect_uris=["javascript:x"]),
            pop(instance, ATTESTED, aud)),
        "a PoP by another key than cnf": (good, pop(stranger, ATTESTED, aud)),
        "a PoP for another audience": (good, pop(instance, ATTESTED, "https://other.example")),
        "a stale PoP": (good, pop(instance, ATTESTED, aud, iat=int(time.time()) - 3600)),
        "a PoP whose iss is not the sub": (good, pop(instance, "attacker-wallet", aud)),
        "a PoP without jti": (good, instance.sign("oauth-client-attestation-pop+jwt", {
            "iss": ATTESTED, "aud": aud, "iat": int(time.time())})),
        "a PoP with alg none": (good, unsigned("oauth-client-attestation-pop+jwt", {
            "iss": ATTESTED, "aud": aud, "iat": int(time.time()), "jti": "j"})),
    }


def test_a_forged_attestation_is_refused_at_par(site, scope):
    for what, (jwt, proof) in _forgeries(site).items():
        answer = _attested(site).par(scope, headers=attestation_headers(jwt, proof))
        assert (answer.status, answer.json().get("error")) == (401, "invalid_client"), \
            (what, answer.json())
    expired = _attested(site, exp_in=-5)
    answer = expired.par(scope)
    assert (answer.status, answer.json()["error"]) == (400, "use_fresh_attestation")
    only_one = _attested(site).client_auth()
    del only_one["OAuth-Client-Attestation-PoP"]
    assert _attested(site).par(scope, headers=only_one).status == 401
    other_id = _attested(site).par(scope, extra={"client_id": WALLET})  # sub is ATTESTED
    assert (other_id.status, other_id.json()["error"]) == (401, "invalid_client")
    elsewhere = Wallet(site.base, ATTESTED, ATTACKER_REDIRECT, site.provider)
    assert elsewhere.par(scope).json()["error"] == "invalid_request"


def test_a_replayed_pop_is_refused_by_every_worker(site, scope):
    wallet = _attested(site)
    headers = wallet.client_auth()
    assert wallet.par(scope, headers=headers).status == 201
    again = wallet.par(scope, headers=headers)
    assert (again.status, again.json()["error"]) == (401, "invalid_client")
    assert "used before" in again.json()["error_description"]
    # another instance of the server (another worker, another machine) on the same database
    other = create_app(site.settings).test_client()
    replayed = other.post("/oid4vci/par", data=_par_form(wallet, scope), headers=headers)
    assert replayed.status_code == 401 and "used before" in replayed.get_json()[
        "error_description"]
    fresh = wallet.client_auth()  # a new PoP of the same attestation is fine (draft -07 §10.2)
    assert other.post("/oid4vci/par", data=_par_form(wallet, scope),
                      headers=fresh).status_code == 201


def _par_form(wallet: Wallet, scope: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": wallet.client_id, "scope": scope,
            "redirect_uri": wallet.redirect_uri, "code_challenge": "x" * 43,
            "code_challenge_method": "S256"}


# -- what the holder sees, and where the browser goes ----------------------------------------
def test_the_consent_page_names_the_wallet_and_the_redirect_host_in_the_holders_language(
        site, scope):
    cookie = site.cookie()
    pushed = Wallet(site.base, WALLET, REDIRECT).par(scope)
    request_uri = pushed.json()["request_uri"]
    page = consent_page(site.base, request_uri, WALLET, cookie, language="bg")
    assert page.status == 200, page.text
    assert f"Приложението за портфейл {WALLET_NAME} иска тези ваши удостоверения" in page.text
    assert "браузърът ви след това се връща към wallet.example." in page.text
    # a language link keeps the request (the page's own, not anything from the query)
    link = re.search(r'href="\?([^"]*lang=de)"', page.text)
    assert link and "request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A" in link.group(1)
    german = send(f"{site.base}/oid4vci/authorize?{link.group(1).replace('&amp;', '&')}",
                  headers={"Cookie": cookie})
    assert f"Die Wallet-App {WALLET_NAME} bittet um diese Nachweise" in german.text
    attested = _attested(site, wallet_name="Provider Wallet <b>X</b>")
    request_uri = attested.par(scope).json()["request_uri"]
    page = consent_page(site.base, request_uri, ATTESTED, cookie, language="es")
    assert "La aplicación de cartera Provider Wallet &lt;b&gt;X&lt;/b&gt; pide" in page.text
    assert f"{PROVIDER}, un proveedor de carteras en el que confía este emisor" in page.text
    assert "su navegador vuelve después a attested.example." in page.text


def test_refusing_returns_only_to_the_registered_redirect_uri(site, scope):
    cookie = site.cookie()
    pushed = Wallet(site.base, WALLET, REDIRECT).par(scope)
    page = consent_page(site.base, pushed.json()["request_uri"], WALLET, cookie)
    refused = answer_consent(site.base, page, cookie, "deny",
                             {"redirect_uri": ATTACKER_REDIRECT, "client_id": WALLET})
    location = refused.headers.get("Location", "")
    assert refused.status == 303 and location.startswith(REDIRECT + "?"), location
    assert "error=access_denied" in location and "state=st" in location
    again = answer_consent(site.base, page, cookie, "deny")  # the request is answered
    assert again.status == 400 and "Location" not in again.headers


# -- the token endpoint accepts only what PAR authenticated ---------------------------------
def _code(site: Site, wallet: Wallet, scope: str) -> str:
    cookie = site.cookie()
    pushed = wallet.par(scope)
    assert pushed.status == 201, pushed.json()
    page = consent_page(site.base, pushed.json()["request_uri"], wallet.client_id, cookie)
    code = code_of(answer_consent(site.base, page, cookie, "allow").headers["Location"])
    assert code
    return code


def test_an_attested_wallet_must_authenticate_again_at_the_token_endpoint(site, scope):
    wallet = _attested(site)
    code = _code(site, wallet, scope)
    bare = wallet.token(code, headers={})
    assert (bare.status, bare.json()["error"]) == (401, "invalid_client")
    other_instance = _attested(site)  # same provider and sub, another instance key
    stolen = wallet.token(code, headers=other_instance.client_auth())
    assert (stolen.status, stolen.json()["error"]) == (400, "invalid_grant")
    token = wallet.token(code)  # the failed attempts did not use the code up
    assert token.status == 200, token.json()
    assert wallet.credential(token.json()["access_token"], scope).status == 200


def test_a_registered_wallets_code_is_redeemed_only_with_its_client_id(site, scope):
    wallet = Wallet(site.base, WALLET, REDIRECT)
    code = _code(site, wallet, scope)
    assert wallet.token(code, client_id=None).json()["error"] == "invalid_request"
    assert wallet.token(code, client_id="attacker-wallet").json()["error"] == "invalid_grant"
    assert wallet.token(code).status == 200


def test_removing_a_wallet_stops_its_requests_and_codes_at_once(site, scope):
    site.s4c("wallet-client", "add", "short-lived", "--name", "Short", "--redirect-uri",
             "com.example.short:/cb")
    wallet = Wallet(site.base, "short-lived", "com.example.short:/cb")
    code = _code(site, wallet, scope)
    pending = wallet.par(scope).json()["request_uri"]
    site.s4c("wallet-client", "remove", "short-lived")
    assert consent_page(site.base, pending, "short-lived", site.cookie()).status == 400
    assert wallet.token(code).status == 401
    assert wallet.par(scope).status == 401


def test_the_pre_authorized_flow_needs_no_client_authentication(site):
    """OpenID4VCI 1.0 §6.1: the pre-authorized code and its tx_code are enough."""
    offer = issuer_service(site.settings).wallets.offer(HOLDER, ["dc+sd-jwt"], "test",
                                                        with_tx_code=True)
    wallet = Wallet(site.base, "", "")
    token = wallet._with_dpop(site.base + "/oid4vci/token", {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": offer.pre_authorized_code, "tx_code": offer.tx_code or ""}, {})
    assert token.status == 200, token.json()
    issued = wallet.credential(token.json()["access_token"], offer.configuration_ids[0])
    assert issued.status == 200, issued.json()
    metadata = send(site.base + "/.well-known/oauth-authorization-server").json()
    assert metadata["pre-authorized_grant_anonymous_access_supported"] is True
    assert "attest_jwt_client_auth" in metadata["token_endpoint_auth_methods_supported"]


# -- a real wallet: the OpenWallet Foundation's libraries make the attestation ---------------
@pytest.mark.parametrize("by", ["jwk", "x5c"])
def test_an_attested_npm_wallet_gets_the_holders_credential(site, by):
    need_wallet()
    signer = site.provider if by == "jwk" else JwsSigner(site.leaf.jwk)
    attested = {"providerJwk": signer.key.as_dict(private=True), "sub": ATTESTED,
                "walletName": "npm wallet"}
    if by == "x5c":  # HAIP 1.0 §4.3.1: the provider's certificate chain in x5c
        attested |= {"x5c": list(site.leaf.x5c), "redirectUris": ["com.example.npm:/cb"]}
    uri = offer_uri(site.base, issuer_service(site.settings).wallets.authorization_offer(
        HOLDER, ["dc+sd-jwt"], "test"))
    redirect = ATTESTED_REDIRECT if by == "jwk" else "com.example.npm:/cb"
    result = run_wallet(offer=uri, cookie=site.cookie(), attestation=attested,
                        redirectUri=redirect)
    assert result["ok"], result
    assert result["credentials"][0]["configurationId"].endswith("-sd_jwt")
    uri = offer_uri(site.base, issuer_service(site.settings).wallets.authorization_offer(
        HOLDER, ["dc+sd-jwt"], "test"))
    result = run_wallet(offer=uri, cookie=site.cookie(), attestation=attested,
                        redirectUri=redirect, scenario="no-attestation-at-token")
    assert not result["ok"] and result["stage"] == "token", result
    assert "invalid_client" in json.dumps(result)


# -- the operator's commands ---------------------------------------------------------------
@pytest.mark.parametrize("uri", [
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "file:///etc/passwd",
    "vbscript:msgbox(1)", "https://wallet.example/cb#frag", "http://wallet.example/cb",
    "wallet.example/cb", "myapp:/cb", "https://user@wallet.example/cb",
    "https://wallet.example/a b"])
def test_the_operator_cannot_register_an_unsafe_redirect_uri(site, uri):
    refused = site.s4c("wallet-client", "add", "unsafe", "--name", "U", "--redirect-uri",
                       REDIRECT, "--redirect-uri", uri, ok=False)
    assert "Error:" in refused.output
    listed = json.loads(site.s4c("wallet-client", "list", "--json").output)
    assert "unsafe" not in {c["client_id"] for c in listed["clients"]}


def test_the_operator_lists_and_removes_clients_and_providers_with_an_audit_trail(site):
    site.s4c("wallet-client", "add", "native", "--name", "Native", "--redirect-uri",
             "com.example.native:/cb", "--redirect-uri", "http://127.0.0.1:8765/cb",
             "--actor", "operator-ana")
    listed = json.loads(site.s4c("wallet-client", "list", "--json").output)["clients"]
    assert {"client_id": "native", "name": "Native", "added_by": "operator-ana",
            "redirect_uris": ["com.example.native:/cb", "http://127.0.0.1:8765/cb"]
            }.items() <= next(c for c in listed if c["client_id"] == "native").items()
    assert site.s4c("wallet-client", "add", "native", "--name", "Again", "--redirect-uri",
                    REDIRECT, ok=False).output.count("already registered") == 1
    site.s4c("wallet-client", "remove", "native", "--actor", "operator-ana")
    site.s4c("wallet-client", "remove", "native", ok=False)
    assert site.count(AuditEvent, AuditEvent.subject == "native",
                      AuditEvent.action.in_(["wallet.client.added",
                                             "wallet.client.removed"])) == 2
    providers = json.loads(site.s4c("wallet-provider", "list", "--json").output)["providers"]
    assert {(p["name"], p["by"]) for p in providers} >= {(PROVIDER, "jwk"),
                                                         (X509_PROVIDER, "x509")}
    secret = site.data_dir.parent / "secret.jwk"
    secret.write_text(json.dumps(JwsSigner.generate().key.as_dict(private=True)))
    assert "private key" in site.s4c("wallet-provider", "add", "Leaky", "--jwk", str(secret),
                                     ok=False).output
    assert "one of them" in site.s4c("wallet-provider", "add", "Nothing", ok=False).output


@pytest.mark.parametrize(("language", "words"), [
    ("de", "Sie haben keinen gültigen Nachweis, um den die Wallet bittet"),
    ("el", "δεν έχετε ενεργό διαπιστευτήριο από αυτά που ζητά το πορτοφόλι")])
def test_a_request_for_nothing_the_holder_holds_is_refused_in_the_holders_language(
        site, language, words):
    """The refusal is a code (wallet.nothing-to-grant), said from the catalogue."""
    pushed = Wallet(site.base, WALLET, REDIRECT).par("NOPE-sd_jwt")
    assert pushed.status == 201, pushed.text
    page = consent_page(site.base, pushed.json()["request_uri"], WALLET, site.cookie(),
                        language=language)
    assert page.status == 403 and words in page.text, page.text
