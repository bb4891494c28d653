"""Token status list indexes of SD-JWT VC copies: random, never shared. While a
list is sparse the credential endpoint does not look a drawn index up; a draw that another
copy holds is refused by the unique constraint and drawn again, looked up this time."""
import base64
import json
import secrets
from types import SimpleNamespace

import pytest
from oid4vci_flow import BASE, Wallet
from sqlalchemy import select

import vc.token_status_list
from issuer.demo import seed_demo
from issuer.models import WalletCopy
from issuer.wallet_grants import Grant
from tools.bench_oid4vci import HOLDER, _checked_sd_jwt, _Key
from web.app import create_app
from web.cli.context import issuer_service
from web.wallet.oid4vci.tokens import make_access_token, read_access_token
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings


@pytest.fixture(scope="module")
def wallet_app(tmp_path_factory):
    settings = Settings.from_environment(tmp_path_factory.mktemp("slots") / "data",
                                         environ={"S4C_PUBLIC_URL": BASE})
    prepare_data_dir(settings)
    service = issuer_service(settings)
    seed_demo(service)
    return create_app(settings), service


def _flow(app, offer, refused: str | None = None) -> str:
    """A complete pre-authorized flow (as tools.bench_oid4vci's client makes it); the copy, or
    the credential endpoint's error when `refused` names the one expected."""
    wallet, holder = Wallet(app, BASE), _Key()
    access_token = wallet.token(offer)
    response = wallet.credential(access_token, offer.configuration_ids[0],
                                 [wallet.key_proof(holder)])
    if refused is not None:
        assert response.status_code == 400 and response.json["error"] == refused, response.json
        return response.json["error_description"]
    assert response.status_code == 200, response.json
    return _checked_sd_jwt(response.json, holder.jwk)


def _slots(service) -> dict[str, tuple[int, int]]:
    with service.sessions() as s:
        return {c.id: (c.token_list, c.token_index) for c in s.scalars(select(WalletCopy))}


def test_a_drawn_index_another_copy_holds_is_drawn_again(wallet_app, monkeypatch):
    app, service = wallet_app
    first, second = service.wallets.offers(HOLDER, ["dc+sd-jwt"], "test", 2)
    _flow(app, first)
    ((_, (number, taken)),) = _slots(service).items()
    draws = iter([taken, taken, taken + 1 if taken + 1 < 131_072 else taken - 1])
    real = secrets.randbelow

    def randbelow(n: int) -> int:
        drawn = next(draws, None)
        return real(n) if drawn is None else drawn
    monkeypatch.setattr(vc.token_status_list, "secrets", SimpleNamespace(randbelow=randbelow))
    _flow(app, second)
    assert next(draws, "used up") == "used up"  # not looked up, refused, then looked up
    slots = sorted(_slots(service).values())
    assert len(slots) == 2 and len(set(slots)) == 2 and (number, taken) in slots


def test_a_credential_revoked_after_copies_were_issued_gets_no_more(wallet_app):
    """The access token carries its offer; whether the credential is revoked is read anew
    for every credential request."""
    app, service = wallet_app
    first, second = service.wallets.offers(HOLDER, ["dc+sd-jwt"], "test", 2)
    copy = _flow(app, first)
    with service.sessions() as s:
        original = s.scalars(select(WalletCopy.original_id)
                             .where(WalletCopy.format == "dc+sd-jwt")).all()[-1]
    assert copy and original
    service.revoke(original, "test", "test")
    said = _flow(app, second, refused="credential_request_denied")
    assert "revoked" in said


def test_an_access_token_whose_offer_was_changed_is_refused():
    """The token carries what its offer allows under the server's MAC: a wallet that edits
    the offer in it (another credential, another holder) holds no token at all."""
    key = b"k" * 32
    grant = Grant("g1", 7, {"SCPM-sd_jwt": "urn:uuid:mine"})
    token = make_access_token(key, grant, "thumb")
    assert read_access_token(key, token).grant == grant
    body, _, mac = token.partition(".")
    value = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for change in ({"o": {"SCPM-sd_jwt": "urn:uuid:someone-else"}}, {"c": 8}):
        edited = base64.urlsafe_b64encode(json.dumps({**value, **change}).encode()).decode()
        assert read_access_token(key, f"{edited.rstrip('=')}.{mac}") is None
    assert read_access_token(b"another key" * 3, token) is None
