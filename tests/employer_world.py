"""Credentials in every state an employer can meet, and the app that checks them; shared by
the employer page tests (no tests here).

Every credential is really signed (vc.api.sign) by a did:web test issuer whose DID document
and status lists are served offline; the verifier's clock is NOW (2027-03-01).
"""
import hashlib
import json
from typing import Any

from flask import Flask
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    MutableFetcher,
    accreditation,
    recognition,
    resolver_for,
    role_credential,
    status_list,
    trusted,
    unit_credential,
)

from verifier.service import Verifier
from web.wiring.services import replace_services

HOLDER_NAME = "Ana Test"
HOLDER_EMAIL = "ana.test@example.org"
SALT = "pK3v9QeLr0s"
REVOKED_INDEX, SUSPENDED_INDEX = 7, 9
STATUS_LIST_SIGNED = "2026-01-01"  # status_list() signs its lists validFrom 2026-01-01
UNREACHABLE_HOST = "offline.example.eu"  # an issuer whose DID document cannot be fetched


def holder_identifiers(name: str | None = HOLDER_NAME, email: str = HOLDER_EMAIL,
                       salt: str = SALT) -> list[dict[str, Any]]:
    """The holder as the issuer names them (issuer.credentials.subject): the salted e-mail
    hash (OB 3.0 §B.1.8) and the name in clear."""
    out: list[dict[str, Any]] = [{
        "type": ["IdentityObject"],
        "identityHash": "sha256$" + hashlib.sha256(
            (email.strip().lower() + salt).encode()).hexdigest(),
        "identityType": "emailAddress", "hashed": True, "salt": salt}]
    if name is not None:
        out.append({"type": ["IdentityObject"], "identityHash": name,
                    "identityType": "name", "hashed": False})
    return out


def named(document: dict[str, Any], name: str | None = HOLDER_NAME) -> dict[str, Any]:
    """`document` (unsigned) naming its holder like a credential s4c issues today."""
    document["credentialSubject"]["identifier"] = holder_identifiers(name)
    return document


def world(issuer: DemoIssuer) -> MutableFetcher:
    """The issuer's DID document and status lists, REVOKED_INDEX and SUSPENDED_INDEX set."""
    return MutableFetcher({
        issuer.did_url(): issuer.did_document(),
        issuer.list_url("revocation"): status_list(issuer, "revocation", (REVOKED_INDEX,)),
        issuer.list_url("suspension"): status_list(issuer, "suspension", (SUSPENDED_INDEX,)),
    })


def credentials_by_state(issuer: DemoIssuer) -> dict[str, Any]:
    """One credential (or input) per headline state of the employer's page."""
    unreachable = DemoIssuer(host=UNREACHABLE_HOST)
    no_status_list = named(role_credential(issuer, n=8))
    for entry in no_status_list["credentialStatus"]:  # a list the world does not serve
        entry["statusListCredential"] = issuer.list_url(entry["statusPurpose"], 2)
    forged = issuer.sign(named(role_credential(issuer, n=9)))
    forged["credentialSubject"]["identifier"][1]["identityHash"] = "Mallory Forger"
    return {
        "valid": issuer.sign(named(role_credential(issuer))),
        "revoked": issuer.sign(named(role_credential(issuer, n=2,
                                                     revocation_index=REVOKED_INDEX))),
        "suspended": issuer.sign(named(role_credential(issuer, n=3,
                                                       suspension_index=SUSPENDED_INDEX))),
        "expired": issuer.sign(named(role_credential(
            issuer, n=4, valid_from="2026-01-10T00:00:00Z",
            valid_until="2027-01-31T00:00:00Z"))),
        "not-yet-valid": issuer.sign(named(role_credential(
            issuer, n=5, valid_from="2027-06-01T00:00:00Z"))),
        "not-accredited": issuer.sign(named(role_credential(issuer, n=6, eqf=7))),
        "forged": forged,
        "could-not-check": issuer.sign(no_status_list),
        "could-not-check-keys": unreachable.sign(named(role_credential(unreachable, n=10))),
        "unit": issuer.sign(named(unit_credential(issuer, 2))),
        "old-unnamed": issuer.sign(role_credential(issuer, n=11)),
        "unreadable": {"foo": 1},
    }


def install_verifier(app: Flask, issuer: DemoIssuer) -> None:
    """The app checks with the test world, the registry accrediting `issuer` (to EQF 6)."""
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))],
                            [recognition("BG", nqf="НКР 6")])
    fetcher = world(issuer)
    replace_services(app, verifier=Verifier(trust, resolver_for(fetcher), fetcher,
                                            clock=lambda: NOW, store=STORE))


def as_text(credential: Any) -> str:
    return json.dumps(credential)
