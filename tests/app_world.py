"""A realistic running app for the tests that attack every door (no tests here): the demo
issuer and the demo registry seeded, an officer signed in to the console and holding an API
token, a holder signed in to their page, a trust anchor signed in to the registry console and
holding its API token, a local SMTP server taking the e-mails, and one real record behind each
kind of path parameter (a credential, a candidate, an assessment, a cohort job, a kept
verification result, a wallet request, a share link).

`World.values` gives, by path parameter name, a value that names a real record."""
import base64
import hashlib
import json
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import Flask
from flask.testing import FlaskClient
from oid4vci_wallet import free_port
from sqlalchemy import Engine, func, inspect, select, table

from issuer.demo import seed_demo
from issuer.holder_sign_in import find_holder, make_link
from issuer.officers import add_officer
from issuer.shares import create_share
from web.app import create_app
from web.holder.pages import share_key
from web.wiring.datadir import prepare_data_dir
from web.wiring.db import make_engine
from web.wiring.registry_setup import RegistryServices, seed_demo_registry
from web.wiring.services import registry_of
from web.wiring.settings import Settings

PUBLIC_URL = "https://certify.example.eu"
OFFICER, OFFICER_PASSWORD = "olga", "a long officer password"
ANCHOR, ANCHOR_PASSWORD = "bg-navet", "navet-password-12"
OPERATOR, OPERATOR_PASSWORD = "operator", "operator-password-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class _Inbox:
    """aiosmtpd's handler: takes every message and counts it."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.count += 1
        return "250 OK"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class WalletKey:
    """A wallet's P-256 key (ES256, as HAIP 1.0 asks), signing DPoP proofs and key proofs.
    It keeps the last DPoP nonce a server gave (`DPoP-Nonce`, RFC 9449 §8) for its next
    proofs, as a wallet does."""

    nonce: str | None = None

    def remember(self, response: Any) -> None:
        given = response.headers.get("DPoP-Nonce")
        if given:
            self.nonce = given

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        numbers = self.private.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
                    "y": _b64(numbers.y.to_bytes(32, "big"))}

    def jwt(self, typ: str, claims: dict) -> str:
        header = {"typ": typ, "alg": "ES256", "jwk": self.jwk}
        signing_input = (_b64(json.dumps(header, separators=(",", ":")).encode()) + "."
                         + _b64(json.dumps(claims, separators=(",", ":")).encode()))
        r, s = decode_dss_signature(self.private.sign(signing_input.encode(),
                                                      ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def dpop_claims(self, path: str, access_token: str | None = None) -> dict:
        claims = {"htm": "POST", "htu": PUBLIC_URL + path, "iat": int(time.time()),
                  "jti": secrets.token_urlsafe(12)}
        if access_token is not None:
            claims["ath"] = _b64(hashlib.sha256(access_token.encode("ascii")).digest())
        if self.nonce is not None:
            claims["nonce"] = self.nonce
        return claims

    def dpop(self, path: str, access_token: str | None = None) -> str:
        return self.jwt("dpop+jwt", self.dpop_claims(path, access_token))


@dataclass
class World:
    app: Flask
    settings: Settings
    officer_token: str
    anchor_token: str
    operator_token: str
    officer: FlaskClient  # the console, signed in
    holder: FlaskClient  # the holder's page, signed in
    anchor: FlaskClient  # the registry console, signed in as a trust anchor
    operator: FlaskClient  # the registry console, signed in as its operator
    anonymous: FlaskClient
    credentials: dict[str, dict]
    wallet_key: WalletKey  # bound to `values["access_token"]` (DPoP)
    values: dict[str, str] = field(default_factory=dict)
    engine: Engine | None = None

    def csrf(self, client: FlaskClient) -> str:
        """The client's CSRF token; a page with a form is opened first if it has none yet."""
        for page in (None, "/holder/", "/issuer/", "/registry/admin/bodies", "/issuer/login"):
            if page is not None:
                client.get(page)
            with client.session_transaction() as session:
                token = session.get("csrf")
            if isinstance(token, str):
                return token
        raise AssertionError("no page gave the client a CSRF token")

    def row_counts(self) -> dict[str, int]:
        """The number of rows of every table of the database."""
        assert self.engine is not None
        names = inspect(self.engine).get_table_names()
        with self.engine.connect() as connection:
            return {name: connection.execute(select(func.count()).select_from(table(name)))
                    .scalar_one() for name in names}


def _login(client: FlaskClient, url: str, form: dict[str, str]) -> None:
    page = client.get(url)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, url
    response = client.post(url, data={"csrf_token": found.group(1), **form})
    assert response.status_code in (302, 303), (url, response.status_code)


@contextmanager
def running_world(data_dir: Path, database_url: str | None = None) -> Iterator[World]:
    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    environ = {"S4C_PUBLIC_URL": PUBLIC_URL, "S4C_KEY_PASSPHRASE": "world test passphrase",
               "S4C_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
               "S4C_MAIL_FROM": "certification@certify.example.eu"}
    if database_url:
        environ["DATABASE_URL"] = database_url
    settings = Settings.from_environment(data_dir, environ=environ)
    try:
        prepare_data_dir(settings)
        app = create_app(settings)
        app.testing = False  # a 500 is answered (and logged), as in production
        service = app.extensions["s4c"].issuer
        credentials = seed_demo(service).credentials
        seed_demo_registry(settings)
        registry: RegistryServices = registry_of(app)
        registry.access.set_password(ANCHOR, ANCHOR_PASSWORD)
        registry.access.set_password(OPERATOR, OPERATOR_PASSWORD)
        world = World(
            app=app, settings=settings,
            officer_token=add_officer(service.sessions, OFFICER, OFFICER_PASSWORD, "test"),
            anchor_token=registry.registry.rotate_token(ANCHOR),
            operator_token=registry.registry.rotate_token("operator"),
            officer=app.test_client(), holder=app.test_client(), anchor=app.test_client(),
            operator=app.test_client(), anonymous=app.test_client(),
            credentials=credentials, wallet_key=WalletKey(),
            engine=make_engine(settings.database_url))
        _login(world.officer, "/issuer/login",
               {"username": OFFICER, "password": OFFICER_PASSWORD})
        _login(world.anchor, "/registry/admin/login",
               {"username": ANCHOR, "password": ANCHOR_PASSWORD})
        _login(world.operator, "/registry/admin/login",
               {"username": OPERATOR, "password": OPERATOR_PASSWORD})
        world.values = _real_records(world)
        yield world
    finally:
        smtp.stop()


def _real_records(world: World) -> dict[str, str]:
    """One real value for each path parameter name of the app's routes."""
    app, service = world.app, world.app.extensions["s4c"].issuer
    role = next(d for k, d in world.credentials.items()
                if k.startswith("role-") and not k.startswith(("revoked", "suspended")))
    bearer = {"Authorization": f"Bearer {world.officer_token}"}
    issued = world.anonymous.post("/assessments", headers=bearer, json=_assessments(service))
    assert issued.status_code == 201, issued.get_json()
    answer = issued.get_json()
    job = world.anonymous.post("/cohorts?filename=world.csv", headers={
        **bearer, "Content-Type": "text/csv"}, data=_cohort(service))
    assert job.status_code == 202, job.get_json()
    checked = world.anonymous.post("/verify", data={"text": _json(role)})
    assert checked.status_code == 303, checked.status_code
    asked = world.anonymous.post("/verify/wallet", data={"response_mode": "direct_post"})
    assert asked.status_code == 303, asked.status_code
    transaction_id = asked.headers["Location"].split("?")[0].rsplit("/", 1)[1]
    status = world.anonymous.get(f"/verify/wallet/{transaction_id}/status").get_json()
    request_uri = parse_qs(urlsplit(status["link"]).query)["request_uri"][0]
    with app.test_request_context():
        share = create_share(service.sessions, role["id"], "test", share_key())
    with service.sessions.begin() as s:
        holder = find_holder(s, answer_email(service, role))
        assert holder is not None
        link = make_link(s, holder, "test", datetime.now(UTC))
    signed_in = world.holder.get(f"/holder/sign-in/{link}")
    assert signed_in.status_code == 302, signed_in.status_code
    body_did = world.settings.issuer_did  # the demo body, accredited in the demo registry
    offer = service.wallets.offer(role["id"], ["dc+sd-jwt"], "test")
    for _attempt in range(2):  # again with the server's DPoP nonce, when it asks for one
        token = world.anonymous.post("/oid4vci/token", data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": offer.pre_authorized_code, "tx_code": offer.tx_code or ""},
            headers={"DPoP": world.wallet_key.dpop("/oid4vci/token")})
        world.wallet_key.remember(token)
        if token.status_code == 200:
            break
    assert token.status_code == 200, token.get_data(as_text=True)
    nonce = world.anonymous.post("/oid4vci/nonce")
    assert nonce.status_code == 200, nonce.get_data(as_text=True)
    return {
        "credential_id": role["id"], "ref": answer["candidate"],
        "assessment_ref": answer["assessments"][0]["assessment"],
        "job_id": job.get_json()["id"], "result_id": checked.headers["Location"]
        .split("?")[0].rsplit("/", 1)[1], "transaction_id": transaction_id,
        "request_id": request_uri.rsplit("/", 1)[1], "token": share,
        "code": "SCPM", "slug": ANCHOR, "did": body_did, "issuer_did": body_did,
        "purpose": "revocation", "number": "1", "kind": "role",
        "filename": "s4c.css", "connection_id": "x", "pres_ex_id": "x",
        "access_token": token.get_json()["access_token"],
        "configuration_id": offer.configuration_ids[0], "c_nonce": nonce.get_json()["c_nonce"]}


def answer_email(service: Any, credential: dict) -> str:
    """The e-mail address of the holder of a demo credential (the demo's candidates)."""
    with service.sessions() as s:
        from issuer.models import Candidate, IssuedCredential

        row = s.scalars(select(Candidate).join(
            IssuedCredential, IssuedCredential.candidate_id == Candidate.id).where(
            IssuedCredential.id == credential["id"])).first()
        assert row is not None
        return row.email


def _json(document: dict) -> str:
    import json

    return json.dumps(document)


def _day(days_ago: int = 1) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).date().isoformat()


def _assessments(service: Any, email: str = "world@example.org") -> dict:
    units = service.framework().role("SCPM").units
    return {"candidate": {"name": "World Test", "email": email},
            "assessments": [{"unit": unit, "score": 80, "max_score": 100,
                             "assessed_on": _day(), "exam_body": "Exam Centre",
                             "assessor": "Assessor A"} for unit in units]}


def _cohort(service: Any) -> str:
    unit = service.framework().role("SCPD").units[0]
    return ("name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"
            f"Cohort One,cohort-one@example.org,,{unit},80,100,{_day()},Exam Centre,A\n")


def valid_assessments(service: Any, email: str) -> dict:
    """A body `POST /assessments` accepts."""
    return _assessments(service, email)
