"""What a wallet may obtain over OpenID4VCI: a bounded number of copies per
access token and credential configuration, each key proof's c_nonce and each DPoP proof's jti
used once, and server-provided DPoP nonces (RFC 9449 §8, §9) - on every worker and every
instance that shares the database.

Two kinds of run: the npm wallet (the OpenWallet Foundation's libraries, tests/wallet) and
a raw HTTP client against `s4c serve` with two workers; and two app instances in this process
sharing one database (the same SQLite file, or one PostgreSQL server with a copied data
directory each, as the README's production setup has them), driven by `oid4vci_flow.Wallet`,
which sends exactly what a test chooses (a replayed proof, a reused nonce).
"""
import json
import os
import shutil
import threading
import time
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from oid4vci_flow import BASE, Wallet
from oid4vci_wallet import demo_server, need_wallet, run_wallet
from sqlalchemy import func, select

from issuer.demo import seed_demo
from issuer.models import WalletCopy
from tools import throwaway
from tools.bench_oid4vci import HOLDER, _Client, _Key
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.settings import Settings

COPIES = 10  # the default bound


# -- two instances sharing one database ---------------------------------------------------
@dataclass
class Deployment:
    first: object  # a Flask app
    second: object  # another instance over the same database
    service: object  # the issuer, to make offers and read the records

    def offer(self, formats=("dc+sd-jwt",)):
        return self.service.wallets.offer(HOLDER, list(formats), "test")

    def copies(self, grant_id: str) -> int:
        with self.service.sessions() as s:
            return s.scalar(select(func.count()).select_from(WalletCopy)
                            .where(WalletCopy.grant_id == grant_id))


def _postgres_url(stack: ExitStack) -> str:
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    return stack.enter_context(throwaway.postgres())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def deployment(request, tmp_path_factory):
    with ExitStack() as stack:
        environ = {"S4C_PUBLIC_URL": BASE, "S4C_KEY_PASSPHRASE": "limits test passphrase"}
        if request.param == "postgresql":
            environ["DATABASE_URL"] = _postgres_url(stack)
        first_dir = tmp_path_factory.mktemp(request.param) / "data"
        settings = Settings.from_environment(first_dir, environ=environ)
        service = issuer_service(settings)
        seed_demo(service)
        second = settings
        if request.param == "postgresql":  # another machine: a copy of the data directory
            second_dir = first_dir.parent / "copy"
            shutil.copytree(first_dir, second_dir)
            second = Settings.from_environment(second_dir, environ=environ)
        yield Deployment(create_app(settings), create_app(second), service)
        service.engine.dispose()


def _sd_jwt_offer(deployment):
    offer = deployment.offer()
    assert len(offer.configuration_ids) >= 2, offer  # Maria holds a role and its units
    return offer


def test_an_access_token_obtains_at_most_ten_copies_of_a_configuration(deployment):
    offer = _sd_jwt_offer(deployment)
    wallet = Wallet(deployment.first)
    token = wallet.token(offer)
    first, second = offer.configuration_ids[:2]
    full = wallet.credential(token, first, [wallet.key_proof(_Key()) for _ in range(COPIES)])
    assert full.status_code == 200 and len(full.json["credentials"]) == COPIES, full.json
    other = Wallet(deployment.second)
    other.dpop_key, other.dpop_nonce = wallet.dpop_key, wallet.dpop_nonce
    more = other.credential(token, first, [other.key_proof(_Key())])
    assert more.status_code == 400, more.json
    assert more.json["error"] == "credential_request_denied"
    assert f"at most {COPIES} copies of {first}" in more.json["error_description"]
    # the bound is per configuration: the token's other credential still comes
    assert wallet.credential(token, second, [wallet.key_proof(_Key())]).status_code == 200
    assert deployment.copies(offer.grant_id) == COPIES + 1


def test_concurrent_requests_on_two_instances_cannot_pass_the_bound(deployment):
    offer = _sd_jwt_offer(deployment)
    wallet = Wallet(deployment.first)
    token = wallet.token(offer)
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(12)

    def ask(app) -> None:
        client = Wallet(app)
        client.dpop_key, client.dpop_nonce = wallet.dpop_key, wallet.dpop_nonce
        proofs = [[client.key_proof(_Key())] for _ in range(3)]
        start.wait()
        for proof in proofs:
            response = client.credential(token, offer.configuration_ids[0], proof)
            answers.append((response.status_code, response.json.get("error", "")))

    threads = [threading.Thread(target=ask, args=(app,))
               for app in (deployment.first, deployment.second) * 6]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 36
    assert sorted(answers).count((200, "")) == COPIES, answers
    assert {a for a in answers if a[0] != 200} == {(400, "credential_request_denied")}
    assert deployment.copies(offer.grant_id) == COPIES


def test_a_key_proof_and_its_c_nonce_serve_one_request(deployment):
    offer = _sd_jwt_offer(deployment)
    wallet = Wallet(deployment.first)
    token = wallet.token(offer)
    config = offer.configuration_ids[0]
    nonce = wallet.c_nonce()
    proof = wallet.key_proof(_Key(), nonce)
    assert wallet.credential(token, config, [proof]).status_code == 200
    other = Wallet(deployment.second)
    other.dpop_key, other.dpop_nonce = wallet.dpop_key, wallet.dpop_nonce
    for replay in ([proof], [other.key_proof(_Key(), nonce)]):  # the proof, or its nonce
        for client in (wallet, other):
            refused = client.credential(token, config, replay)
            assert refused.status_code == 400, refused.json
            assert refused.json["error"] == "invalid_nonce"
            assert "already used" in refused.json["error_description"]
    twice = wallet.key_proof(_Key())
    doubled = wallet.credential(token, config, [twice, twice])
    assert doubled.status_code == 400 and doubled.json["error"] == "invalid_proof"
    assert deployment.copies(offer.grant_id) == 1  # refused requests left nothing behind
    # a fresh nonce works, and one request may carry several proofs over it
    fresh = wallet.c_nonce()
    batch = [wallet.key_proof(_Key(), fresh) for _ in range(2)]
    assert wallet.credential(token, config, batch).status_code == 200


def test_a_dpop_proof_is_used_once_across_instances(deployment):
    first_offer, *offers = deployment.offer(), deployment.offer(), deployment.offer()
    wallet = Wallet(deployment.first)
    token = wallet.token(first_offer)  # now holds a DPoP nonce
    forms = [urllib.parse.urlencode({
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": o.pre_authorized_code, "tx_code": o.tx_code}) for o in offers]
    proof = wallet.dpop("/oid4vci/token")
    other = Wallet(deployment.second)
    other.dpop_key = wallet.dpop_key
    answers = [client.post("/oid4vci/token", proof=proof, data=form,
                           content_type="application/x-www-form-urlencoded")
               for client, form in zip((wallet, other), forms, strict=True)]
    assert answers[0].status_code == 200, answers[0].json
    assert answers[1].status_code == 400 and answers[1].json["error"] == "invalid_dpop_proof"
    assert "already used" in answers[1].json["error_description"]
    # the refused request used nothing up: the code works with a proof of its own
    assert other.post("/oid4vci/token", data=forms[1],
                      content_type="application/x-www-form-urlencoded").status_code == 200
    # at the credential endpoint (RFC 9449 §7.1: 401 with the DPoP challenge)
    config = first_offer.configuration_ids[0]
    proof = wallet.dpop("/oid4vci/credential", token)
    assert wallet.credential(token, config, [wallet.key_proof(_Key())], proof) \
        .status_code == 200
    refused = other.credential(token, config, [other.key_proof(_Key())], proof)
    assert refused.status_code == 401, refused.json
    assert refused.json["error"] == "invalid_dpop_proof"
    assert 'error="invalid_dpop_proof"' in refused.headers["WWW-Authenticate"]
    assert deployment.copies(first_offer.grant_id) == 1


def test_the_server_provides_dpop_nonces_and_requires_them(deployment):
    from web.wallet.oid4vci.tokens import DPOP_NONCE_S, make_dpop_nonce

    offer = deployment.offer()
    form = urllib.parse.urlencode({
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": offer.pre_authorized_code, "tx_code": offer.tx_code})
    wallet = Wallet(deployment.first)
    key = deployment.first.secret_key
    for nonce in (None, "1.x.y", make_dpop_nonce(b"another deployment's key"),
                  make_dpop_nonce(key, time.time() - DPOP_NONCE_S - 1)):
        asked = wallet.post("/oid4vci/token", proof=wallet.dpop("/oid4vci/token", nonce=nonce)
                            if nonce else Wallet(deployment.first).dpop("/oid4vci/token"),
                            data=form, content_type="application/x-www-form-urlencoded")
        assert asked.status_code == 400, asked.json  # RFC 9449 §8
        assert asked.json["error"] == "use_dpop_nonce"
        assert asked.headers["DPoP-Nonce"]
    # the nonce one instance gave is good at the other (MACed, no table), and the code was
    # not used up by the answers asking for a nonce
    other = Wallet(deployment.second)
    other.dpop_key = wallet.dpop_key
    granted = other.post("/oid4vci/token", proof=other.dpop(
        "/oid4vci/token", nonce=asked.headers["DPoP-Nonce"]), data=form,
        content_type="application/x-www-form-urlencoded")
    assert granted.status_code == 200, granted.json
    assert granted.headers["DPoP-Nonce"] != asked.headers["DPoP-Nonce"]  # fresh each time
    token = granted.json["access_token"]
    # the credential endpoint, a resource server (RFC 9449 §9): 401 and a challenge
    wallet.dpop_nonce = None
    config = offer.configuration_ids[0]
    unasked = wallet.credential(token, config, [wallet.key_proof(_Key())],
                                wallet.dpop("/oid4vci/credential", token))
    assert unasked.status_code == 401, unasked.json
    assert unasked.json["error"] == "use_dpop_nonce"
    assert 'DPoP error="use_dpop_nonce"' in unasked.headers["WWW-Authenticate"]
    answered = wallet.credential(token, config, [wallet.key_proof(_Key())], wallet.dpop(
        "/oid4vci/credential", token, nonce=unasked.headers["DPoP-Nonce"]))
    assert answered.status_code == 200, answered.json
    assert answered.headers["DPoP-Nonce"]


def test_used_proofs_are_pruned_once_stale(deployment):
    from issuer.models import UsedProof
    from issuer.wallet_limits import CLOCK_MARGIN_S, SingleUse, WalletLimits

    stale = int(time.time()) - CLOCK_MARGIN_S - 10
    limits = WalletLimits(deployment.service.engine)
    with deployment.service.engine.begin() as c:
        limits.use_up(c, [SingleUse("dpop", f"stale {stale}", stale)], time.time())
    with deployment.service.sessions() as s:
        assert s.get(UsedProof, SingleUse("dpop", f"stale {stale}", stale).key) is not None
    with deployment.service.engine.begin() as c:  # another worker's first use
        WalletLimits(deployment.service.engine).use_up(
            c, [SingleUse("c_nonce", f"fresh {stale}", int(time.time()) + 60)], time.time())
    with deployment.service.sessions() as s:
        assert s.get(UsedProof, SingleUse("dpop", f"stale {stale}", stale).key) is None
        assert s.scalar(select(func.count()).select_from(UsedProof)
                        .where(UsedProof.expires < int(time.time()) - CLOCK_MARGIN_S)) == 0


# -- the bound as an operator sets it --------------------------------------------------------
def test_the_bound_is_set_by_s4c_wallet_copies(tmp_path):
    environ = {"S4C_PUBLIC_URL": BASE, "S4C_WALLET_COPIES": "3"}
    settings = Settings.from_environment(tmp_path / "data", environ=environ)
    assert settings.wallet_copies == 3
    for wrong in ("0", "-1", "many", "1001"):
        with pytest.raises(ValueError, match="S4C_WALLET_COPIES"):
            Settings.from_environment(tmp_path / "data", environ={"S4C_WALLET_COPIES": wrong})
    service = issuer_service(settings)
    seed_demo(service)
    app = create_app(settings)
    metadata = app.test_client().get("/.well-known/openid-credential-issuer",
                                     base_url=BASE).json
    assert metadata["batch_credential_issuance"] == {"batch_size": 3}
    offer = service.wallets.offer(HOLDER, ["ldp_vc"], "test")
    wallet = Wallet(app)
    token = wallet.token(offer)
    config = offer.configuration_ids[0]
    too_many = wallet.credential(token, config, [wallet.key_proof(_Key()) for _ in range(4)])
    assert too_many.status_code == 400 and too_many.json["error"] == \
        "invalid_credential_request"
    assert wallet.credential(token, config, [wallet.key_proof(_Key()) for _ in range(3)]) \
        .status_code == 200
    refused = wallet.credential(token, config, [wallet.key_proof(_Key())])
    assert refused.json["error"] == "credential_request_denied", refused.json
    service.engine.dispose()


# -- the npm wallet and raw clients against `s4c serve` (2 workers) --------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_wallet()
    with demo_server(tmp_path_factory.mktemp("limits") / "data") as running:
        yield running


def _offer(server, fmt: str = "dc+sd-jwt") -> tuple[str, str | None]:
    done = server.s4c("offer", HOLDER, "--format", fmt)
    tx = [line.split(": ", 1)[1] for line in done.stderr.splitlines()
          if line.startswith("tx_code: ")]
    return done.stdout.strip(), tx[0] if tx else None


def test_the_wallet_is_asked_for_a_dpop_nonce_once_and_then_keeps_up(server):
    uri, tx_code = _offer(server)
    result = run_wallet(offer=uri, txCode=tx_code)
    assert result["ok"], result
    # asked at the token endpoint; the credential requests use the nonces given since
    assert result["dpopChallenges"] == ["/oid4vci/token"], result["dpopChallenges"]
    assert len(result["credentials"]) >= 2


def test_the_wallet_gets_ten_copies_and_no_more_with_one_token(server):
    uri, tx_code = _offer(server, "ldp_vc")
    result = run_wallet(offer=uri, txCode=tx_code, copies=COPIES, scenario="more")
    assert not result["ok"] and result["stage"] == "credential-more", result
    assert "credential_request_denied" in json.dumps(result)


def test_the_wallet_cannot_use_one_c_nonce_for_two_requests(server):
    uri, tx_code = _offer(server)
    result = run_wallet(offer=uri, txCode=tx_code, scenario="reuse-nonce")
    assert not result["ok"] and result["stage"] == "credential", result
    assert "invalid_nonce" in json.dumps(result)


def test_two_hundred_requests_with_one_token_on_two_workers_get_ten_copies(server):
    settings = Settings.from_environment(environ=server.env)
    service = issuer_service(settings)
    offer = service.wallets.offer(HOLDER, ["dc+sd-jwt"], "test")
    config = offer.configuration_ids[0]
    dpop_key = _Key()
    client = _Client(server.base)
    status, body = client.post_with_dpop(dpop_key, "/oid4vci/token", urllib.parse.urlencode({
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": offer.pre_authorized_code, "tx_code": offer.tx_code}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    token = body["access_token"]
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(8)

    def ask() -> None:
        wallet = _Client(server.base)
        wallet.dpop_nonce = client.dpop_nonce
        start.wait()
        for _ in range(25):
            _, nonce = wallet.post("/oid4vci/nonce", b"", {})
            proof = _Key().jwt("openid4vci-proof+jwt", {
                "aud": server.base, "iat": int(time.time()), "nonce": nonce["c_nonce"]})
            answer = wallet.post_with_dpop(
                dpop_key, "/oid4vci/credential", json.dumps({
                    "credential_configuration_id": config, "proofs": {"jwt": [proof]}}).encode(),
                {"Content-Type": "application/json", "Authorization": f"DPoP {token}"}, token)
            answers.append((answer[0], answer[1].get("error", "")))
        wallet.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    assert len(answers) == 200
    assert answers.count((200, "")) == COPIES, sorted(set(answers))
    assert answers.count((400, "credential_request_denied")) == 200 - COPIES
    with service.sessions() as s:
        assert s.scalar(select(func.count()).select_from(WalletCopy)
                        .where(WalletCopy.grant_id == offer.grant_id)) == COPIES
    service.engine.dispose()
