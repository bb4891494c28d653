"""The time claims of SD-JWT VC copies: RFC 9901 §10.1 wants the copies of a batch
unlinkable, so `iat` is drawn per copy from the last 24 hours (never in the future, never
before the credential itself was issued) and `exp` is the credential's `validUntil` rounded
down to its day. The copies still verify with the OpenWallet Foundation's @sd-jwt verifier."""
import base64
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwk
from oid4vci_flow import BASE

from issuer.demo import seed_demo
from issuer.wallet_copies import ISSUED_AT_WINDOW, copy_expiry, copy_issue_times
from issuer.wallet_issuing import HolderKey
from tools.bench_oid4vci import HOLDER
from web.app import create_app
from web.cli.context import issuer_service
from web.wallet.oid4vci.holder_jwt import did_jwk
from web.wiring.datadir import prepare_data_dir
from web.wiring.sd_jwt_keys import sd_jwt_issuer_key
from web.wiring.settings import Settings

SCRIPT = Path(__file__).parent / "interop" / "sd_jwt.mjs"
COPIES = 10  # issuer.wallet_limits.DEFAULT_COPIES: the most one access token obtains


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The demo issued three days ago, so a copy's 24-hour window lies after its original."""
    settings = Settings.from_environment(tmp_path_factory.mktemp("copy-times") / "data",
                                         environ={"S4C_PUBLIC_URL": BASE})
    prepare_data_dir(settings)
    service = issuer_service(settings)
    real_clock = service.clock
    service.clock = lambda: real_clock() - timedelta(days=3)
    seed_demo(service)
    service.clock = real_clock
    return settings, service


def _holder_key() -> HolderKey:
    key = jwk.ECKey.import_key(ec.generate_private_key(ec.SECP256R1()))
    public = key.as_dict(private=False)
    return HolderKey(public, key.thumbprint(), did_jwk(public))


def _copies(world, now: datetime, credential: str = HOLDER) -> tuple[str, list[str]]:
    """The id of the first credential offered, and a batch of copies of it."""
    settings, service = world
    offer = service.wallets.offer(credential, ["dc+sd-jwt"], "test")
    grant = service.wallets.redeem(offer.pre_authorized_code, offer.tx_code, now)
    config_id = offer.configuration_ids[0]
    return grant.offered[config_id], service.wallets.issue_sd_jwt(
        grant, config_id, [_holder_key() for _ in range(COPIES)], now,
        sd_jwt_issuer_key(settings).signer, settings.public_url)


def _fresh_credential(service) -> str:
    """A unit credential for a new candidate, issued at the service's clock."""
    unit = service.framework().roles[0].units[0]
    ref = service.add_candidate("Fresh Candidate", "fresh@example.org", None, "test")
    service.record_assessment(ref, unit, 90, 100, service.clock().date(), "Exam Centre",
                              "Assessor", "test")
    (issued,) = service.certify_and_issue(ref, "test").issued
    return issued["id"]


def _payload(sd_jwt: str) -> dict:
    body = sd_jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _npm_verify(request: dict) -> dict:
    done = subprocess.run(["node", str(SCRIPT)], cwd=SCRIPT.parent, input=json.dumps(request),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_batch_of_copies_has_distinct_issue_times_within_the_last_day(world):
    now = datetime.now(UTC).replace(microsecond=0)
    original_id, copies = _copies(world, now)
    payloads = [_payload(c) for c in copies]
    issued = [p["iat"] for p in payloads]
    assert len(set(issued)) == COPIES  # before: every copy carried the same iat
    window_start = int((now - ISSUED_AT_WINDOW).timestamp())
    assert all(window_start <= iat <= int(now.timestamp()) for iat in issued)
    valid_until = world[1].credential(original_id).valid_until
    expiries = {p.get("exp") for p in payloads}
    assert expiries == {copy_expiry(valid_until)}  # one value, told by the day alone
    if valid_until is not None:
        moment = datetime.fromtimestamp(expiries.pop(), UTC)
        assert (moment.hour, moment.minute, moment.second) == (0, 0, 0)
        assert moment.date().isoformat() == payloads[0]["date_of_expiry"]


def test_no_copy_claims_an_issuance_before_its_credential(world):
    """A credential issued a minute ago: the window starts at its validFrom, which the
    verifier's accreditation check reads from the copy's iat."""
    _, service = world
    real_clock = service.clock
    issued_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    service.clock = lambda: issued_at
    try:
        credential_id = _fresh_credential(service)
    finally:
        service.clock = real_clock
    now = datetime.now(UTC)
    valid_from = datetime.fromisoformat(service.credential(credential_id).document["validFrom"])
    _, copies = _copies(world, now, credential_id)
    for copy_ in copies:
        assert valid_from.timestamp() <= _payload(copy_)["iat"] <= now.timestamp()


def test_the_copies_verify_with_the_npm_sd_jwt_verifier(world):
    if shutil.which("node") is None or not (SCRIPT.parent / "node_modules" / "@sd-jwt").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must check the copies with @sd-jwt: run .ci/install-test-deps")
        pytest.skip("@sd-jwt is not installed (npm ci --prefix tests/interop)")
    settings, _ = world
    client = create_app(settings).test_client()
    for copy_ in _copies(world, datetime.now(UTC))[1]:
        reference = _payload(copy_)["status"]["status_list"]
        token = client.get(reference["uri"].removeprefix(settings.public_url))
        assert token.status_code == 200
        issuer_jwk = sd_jwt_issuer_key(settings).signer.public_jwk()
        answer = _npm_verify({"op": "verify", "sdJwt": copy_, "issuerJwk": issuer_jwk,
                              "statusListToken": token.get_data(as_text=True)})
        assert answer["ok"], answer


def test_issue_times_are_never_in_the_future_nor_older_than_a_day():
    now = datetime(2026, 5, 12, 10, 30, tzinfo=UTC)
    drawn = copy_issue_times(now, None, 1000)
    assert len(set(drawn)) == 1000
    assert min(drawn) >= int((now - timedelta(hours=24)).timestamp())
    assert max(drawn) <= int(now.timestamp())
    # a credential issued 3 seconds ago: 4 possible seconds, never before it
    drawn = copy_issue_times(now, now - timedelta(seconds=3), 10)
    assert set(drawn) <= {int(now.timestamp()) - s for s in range(4)}


def test_expiry_is_the_start_of_the_day_the_credential_expires():
    until = datetime(2029, 5, 12, 17, 4, 33, tzinfo=UTC)
    assert copy_expiry(until) == int(datetime(2029, 5, 12, tzinfo=UTC).timestamp())
    assert copy_expiry(None) is None
