"""OpenID4VP answers the verifier will read: only a valid answer ends a request;
every answer is counted before it is read, at most 3 per sender's address and 20 in all, so a
stranger who saw the QR code can neither burn the request with a forged answer nor spend it
from one address, and nobody can use one request to have 1000 answers checked.

Two app instances share one database (SQLite, or PostgreSQL with a copied data directory
each); the answers come from several client addresses (REMOTE_ADDR). The forged answers are
what a stranger can send knowing only the request (its `state`); the holder's answer is a
real SD-JWT VC from this issuer, presented with a KB-JWT over the request's nonce (the npm
wallet does the same against `s4c serve` in test_oid4vp_wallet)."""
import base64
import json
import os
import shutil
import threading
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from joserfc import jwk
from oid4vci_flow import BASE, Wallet

from issuer.demo import seed_demo
from tools import throwaway
from tools.bench_oid4vci import HOLDER, _Key
from vc.jose import JwsSigner
from vc.sd_jwt import present_sd_jwt
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.registry_setup import seed_demo_registry
from web.wiring.settings import Settings

STRANGER, HOLDER_ADDRESS = "203.0.113.7", "198.51.100.2"
PER_SENDER, IN_ALL = 3, 20  # verifier.vp_requests.MAX_ANSWERS_PER_SOURCE, MAX_ANSWERS


@dataclass
class Verifier:
    first: object  # a Flask app
    second: object  # another instance over the same database
    held: tuple[str, _Key]  # the holder's SD-JWT VC and the key it is bound to


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def verifier(request, tmp_path_factory):
    with ExitStack() as stack:
        environ = {"S4C_PUBLIC_URL": BASE, "S4C_KEY_PASSPHRASE": "vp limits passphrase"}
        if request.param == "postgresql":
            if not throwaway.postgres_available():
                if os.environ.get("CI") == "true":
                    pytest.fail("PostgreSQL is not installed (make test installs it)")
                pytest.skip("PostgreSQL server binaries are not installed")
            environ["DATABASE_URL"] = stack.enter_context(throwaway.postgres())
        first_dir = tmp_path_factory.mktemp(request.param) / "data"
        settings = Settings.from_environment(first_dir, environ=environ)
        service = issuer_service(settings)
        seed_demo(service)
        seed_demo_registry(settings)
        app = create_app(settings)
        offer = service.wallets.offer(HOLDER, ["dc+sd-jwt"], "test")
        wallet, holder = Wallet(app), _Key()
        issued = wallet.credential(wallet.token(offer), offer.configuration_ids[0],
                                   [wallet.key_proof(holder)])
        assert issued.status_code == 200, issued.json
        second = settings
        if request.param == "postgresql":  # copied once its demo SD-JWT CA exists
            shutil.copytree(first_dir, first_dir.parent / "copy")
            second = Settings.from_environment(first_dir.parent / "copy", environ=environ)
        yield Verifier(app, create_app(second),
                       (issued.json["credentials"][0]["credential"], holder))
        service.engine.dispose()


def _ask(app) -> tuple[str, dict]:
    """The employer asks for a wallet's answer: its transaction and the request's claims, as
    a wallet reads them from the signed request object the link points to (`request_uri`)."""
    asked = app.test_client().post("/verify/wallet", data={"lang": "en"}, base_url=BASE)
    assert asked.status_code == 303
    transaction = asked.headers["Location"].split("/verify/wallet/", 1)[1].split("?", 1)[0]
    link = _status(app, transaction)["link"]
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    request_object = app.test_client().get(urllib.parse.urlsplit(params["request_uri"]).path,
                                           base_url=BASE).get_data(as_text=True)
    payload = request_object.split(".")[1]
    return transaction, json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _status(app, transaction: str) -> dict:
    return app.test_client().get(f"/verify/wallet/{transaction}/status", base_url=BASE).json


def _answer(app, claims: dict, vp_token: dict, sender: str):
    path = urllib.parse.urlsplit(claims["response_uri"]).path
    return app.test_client().post(path, base_url=BASE, data={
        "state": claims["state"], "vp_token": json.dumps(vp_token)},
        environ_base={"REMOTE_ADDR": sender})


def _forged(claims: dict) -> dict:
    """What anyone who saw the QR code can send: a made-up SD-JWT VC for the first query."""
    query = claims["dcql_query"]["credentials"][0]["id"]
    return {query: ["eyJhbGciOiJFUzI1NiJ9.eyJ2Y3QiOiJ4In0.AAAA~"]}


def _holders(verifier: Verifier, claims: dict) -> dict:
    sd_jwt, holder = verifier.held
    payload = sd_jwt.split(".")[1]
    vct = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["vct"]
    kind = "role" if vct.endswith("/role-v1") else "unit"
    signer = JwsSigner(jwk.ECKey.import_key(holder.private))
    return {f"{kind}_sd_jwt": [present_sd_jwt(sd_jwt, holder=signer, nonce=claims["nonce"],
                                              audience=claims["client_id"])]}


def test_a_forged_answer_does_not_use_up_the_request(verifier):
    transaction, claims = _ask(verifier.first)
    forged = _answer(verifier.first, claims, _forged(claims), STRANGER)
    assert forged.status_code == 400, forged.json
    assert "the credential in the answer is not valid (forged)" in \
        forged.json["error_description"]
    status = _status(verifier.second, transaction)
    assert status["state"] == "waiting" and "(forged)" in status["refusal"]
    assert status["refusalText"].startswith("The credential in the answer is not valid")
    real = _answer(verifier.second, claims, _holders(verifier, claims), HOLDER_ADDRESS)
    assert real.status_code == 200, real.json
    assert _status(verifier.first, transaction)["state"] == "answered"
    # a valid answer ends it, once
    again = _answer(verifier.first, claims, _holders(verifier, claims), HOLDER_ADDRESS)
    assert again.status_code == 400 and "already answered" in again.json["error_description"]


def test_one_sender_cannot_spend_the_request(verifier):
    transaction, claims = _ask(verifier.first)
    for n in range(PER_SENDER):
        refused = _answer((verifier.first, verifier.second)[n % 2], claims, _forged(claims),
                          STRANGER)
        assert refused.status_code == 400, refused.json
    spent = _answer(verifier.second, claims, _forged(claims), STRANGER)
    assert spent.status_code == 429, spent.json  # not read at all
    assert "from your address" in spent.json["error_description"]
    assert _status(verifier.first, transaction)["state"] == "waiting"
    real = _answer(verifier.first, claims, _holders(verifier, claims), HOLDER_ADDRESS)
    assert real.status_code == 200, real.json


def test_a_request_closes_after_twenty_refused_answers_even_at_once(verifier):
    transaction, claims = _ask(verifier.first)
    said: list[tuple[int, str]] = []
    start = threading.Barrier(2 * IN_ALL)

    def answer(n: int) -> None:
        app = (verifier.first, verifier.second)[n % 2]
        start.wait()
        answer = _answer(app, claims, _forged(claims), f"192.0.2.{n}")
        said.append((answer.status_code, answer.json["error_description"][:40]))

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(2 * IN_ALL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    read = ("the credential in the answer is not valid (forged)"[:40])
    closed = "too many answers to this request were refused"[:40]
    assert sorted(said) == sorted([(400, read)] * IN_ALL + [(400, closed)] * IN_ALL), said
    status = _status(verifier.second, transaction)
    assert status["state"] == "closed", status
    late = _answer(verifier.first, claims, _holders(verifier, claims), HOLDER_ADDRESS)
    assert late.status_code == 400
    assert "too many answers to this request were refused" in late.json["error_description"]
    page = verifier.first.test_client().get(f"/verify/wallet/{transaction}?lang=de",
                                            base_url=BASE).get_data(as_text=True)
    assert "Zu viele Antworten auf diese Anfrage wurden abgelehnt" in page
    from web.wallet.oid4vp.endpoints import presentation_requests

    assert presentation_requests(verifier.first).by_transaction(transaction).answers == IN_ALL
