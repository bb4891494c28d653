"""The signed trust list: it verifies offline, any change is refused, and a saved copy answers
exactly like the registry database."""
import copy
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from check_results import SIGNATURE_MISMATCH
from registry_bodies import Bodies
from sqlalchemy.orm import sessionmaker
from vc_calls import verify

from registry.authority import Authority
from registry.service import Registry
from registry.snapshot import SignatureChecker, build_snapshot
from registry.trust_list import sign_trust_list, unsigned_trust_list
from registry.trust_source import DatabaseTrustSource, SeenSequences, TrustListTrustSource
from registry.vocab import role_id
from vc.fetch import StaticFetcher
from vc.multikey import Ed25519Multikey
from vc.trust import TrustSourceUnavailable
from web.wiring.db import make_engine, upgrade

SCPM, SCPD, SCPMC = role_id("SCPM"), role_id("SCPD"), role_id("SCPMC")
UNIT = "https://w3id.org/skills4cities/framework/v1/units/U07"
BODY_A, BODY_B = "did:web:certify.example.eu", "did:web:academy.example.ro"
ISSUED = datetime(2026, 3, 1, 12, tzinfo=UTC)
JAN = datetime(2026, 1, 1, tzinfo=UTC)
BODY_A_KEY = Ed25519Multikey.generate()


def _day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


@pytest.fixture
def registry(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    upgrade(url)
    engine = make_engine(url)
    bodies = Bodies({BODY_A: {"key-1": BODY_A_KEY}, BODY_B: {}})
    reg = Registry(sessionmaker(engine), "https://registry.example.eu",
                   clock=lambda: ISSUED, body_keys=bodies.source())
    reg.operator_authority = Authority.from_key(Ed25519Multikey.generate())
    reg.ensure_operator(reg.operator_authority)
    yield reg
    engine.dispose()


def _anchor(reg: Registry, slug: str, country: str, **kwargs) -> Authority:
    anchor = Authority.from_key(Ed25519Multikey.generate())
    reg.add_anchor(reg.operator_authority, anchor.did, slug=slug, country=country,
                   names={"en": f"{slug} (DEMO)", country.lower(): f"{slug} national"},
                   valid_from=kwargs.pop("valid_from", _day(2025, 1, 1)), **kwargs)
    return anchor


def _recognise(reg: Registry, anchor: Authority, role: str, level: int) -> dict:
    return reg.recognise(anchor, role, nqf_level=f"NQF {level}", eqf_level=level,
                         equivalence={"en": f"Level {level}"}, legal_basis="Act 7/2021")


def _trust_list(reg: Registry, issued: datetime = ISSUED) -> dict:
    return sign_trust_list(unsigned_trust_list(
        reg.trust_data(), reg.snapshot(), list_url=reg.trust_list_url, sequence=reg.version(),
        issued=issued), reg.operator_authority)


@pytest.fixture
def small(registry: Registry) -> Registry:
    """One anchor, one accreditation, one recognition: small enough to tamper every value."""
    bg = _anchor(registry, "bg-navet", "BG")
    registry.accredit(bg, BODY_A, names={"en": "Demo Body"}, achievements=[SCPM],
                      max_eqf_level=6, valid_from=JAN,
                      public_keys=[f"{BODY_A}#key-1"])
    _recognise(registry, bg, SCPM, 6)
    return registry


@pytest.fixture
def varied(registry: Registry) -> Registry:
    """Anchors in four countries; scopes, levels, periods; a revoked accreditation, a
    withdrawn recognition, a removed anchor and a did:key body."""
    bg, ro = _anchor(registry, "bg-navet", "BG"), _anchor(registry, "ro-anc", "RO")
    gr = _anchor(registry, "gr-eoppep", "GR", valid_until=_day(2026, 9, 30))
    es = _anchor(registry, "es-incual", "ES")
    body_key = BODY_A_KEY.public_key_multibase
    registry.accredit(bg, BODY_A, names={"en": "Demo Body", "bg": "Демо орган"},
                      achievements=[SCPM, SCPD], max_eqf_level=6, valid_from=JAN,
                      valid_until=_day(2027, 12, 31), public_keys={f"{BODY_A}#key-1": body_key})
    registry.accredit(ro, BODY_A, names={"en": "Demo Body"}, achievements=[],
                      max_eqf_level=7, valid_from=_day(2026, 4, 1), country="BG")
    revoked = registry.accredit(gr, BODY_A, names={"en": "Demo Body"}, achievements=[SCPMC],
                                max_eqf_level=8, valid_from=JAN)
    registry.revoke_accreditation(gr, revoked["id"])
    registry.accredit(gr, BODY_B, names={"ro": "Academia"}, achievements=[SCPMC, UNIT],
                      max_eqf_level=7, valid_from=JAN)
    did_key_body = Authority.from_key(Ed25519Multikey.generate()).did
    registry.accredit(ro, did_key_body, names={"ro": "Organism"}, max_eqf_level=5,
                      valid_from=JAN)
    registry.accredit(es, BODY_B, names={"es": "Academia"}, achievements=[SCPD],
                      max_eqf_level=6, valid_from=JAN)
    for anchor, country in ((bg, "BG"), (ro, "RO"), (gr, "GR"), (es, "ES")):
        for role, level in ((SCPM, 6), (SCPD, 5), (SCPMC, 7)):
            credential = _recognise(registry, anchor, role, level)
            if (country, role) == ("RO", SCPD):
                registry.withdraw_recognition(anchor, credential["id"])
    registry.remove_anchor(registry.operator_authority, "es-incual")
    registry.did_key_body = did_key_body
    return registry


# --- the list verifies -------------------------------------------------------------

def test_the_trust_list_verifies_offline_and_lists_everything(small: Registry):
    document = _trust_list(small)
    assert verify(document).verified
    assert document["issuer"] == small.operator_authority.did
    assert document["validUntil"] == "2026-03-02T12:00:00Z"  # nextUpdate: issue time + 24 h
    subject = document["credentialSubject"]
    (anchor,) = subject["trustAnchor"]
    (body,) = subject["accreditedIssuer"]
    (accreditation,) = body["accreditation"]
    assert (anchor["country"], body["id"], accreditation["maxEqfLevel"]) == ("BG", BODY_A, 6)
    assert list(body["publicKey"][0]) == ["id", "publicKeyMultibase"]
    assert accreditation["achievement"] == [SCPM] and accreditation["revoked"] is False
    assert subject["recognition"][0]["nqfLevel"] == "NQF 6"
    for embedded in (anchor["credential"], accreditation["credential"],
                     subject["recognition"][0]["credential"], anchor["statusList"]):
        assert verify(embedded["@value"]).verified


def _leaves(value: object, path: tuple = ()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path, value


def _changed(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "x"
    return value[:-1] + ("y" if value[-1:] != "y" else "z")


def test_changing_any_single_value_of_the_trust_list_is_refused(small: Registry):
    document = _trust_list(small)
    operator = small.operator_authority.did
    TrustListTrustSource(document, operator, now=ISSUED)  # the untouched list is accepted
    leaves = list(_leaves(document))
    assert len(leaves) > 150
    by_signature = 0
    for path, value in leaves:
        tampered = copy.deepcopy(document)
        node = tampered
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = _changed(value)
        where = ".".join(map(str, path))
        with pytest.raises(TrustSourceUnavailable) as refused:
            TrustListTrustSource(tampered, operator, now=ISSUED)
            pytest.fail(f"a change at {where} was accepted")
        reason = str(refused.value)
        if path[0] in ("proof", "issuer", "@context") or "type" in path[-2:]:
            continue  # refused before the signature: a proof option, the signer, a term
        # a value: the operator's signature covers it
        assert "not signed by the registry operator" in reason, (where, reason)
        assert "proof: proof.signature-mismatch (suite=eddsa-jcs-2022" in reason, (where, reason)
        assert SIGNATURE_MISMATCH in reason, (where, reason)
        by_signature += 1
    assert by_signature >= 129  # today's count: fewer means the test stopped testing


def test_removing_or_adding_an_entry_is_refused(small: Registry):
    document = _trust_list(small)
    operator = small.operator_authority.did
    dropped = copy.deepcopy(document)
    dropped["credentialSubject"]["recognition"] = []
    added = copy.deepcopy(document)
    added["credentialSubject"]["accreditedIssuer"].append(
        copy.deepcopy(added["credentialSubject"]["accreditedIssuer"][0]))
    for tampered in (dropped, added):
        with pytest.raises(TrustSourceUnavailable, match="not signed by the registry operator"):
            TrustListTrustSource(tampered, operator, now=ISSUED)


def test_an_expired_or_future_list_or_another_operators_is_refused(small: Registry):
    document = _trust_list(small)
    operator = small.operator_authority.did
    with pytest.raises(TrustSourceUnavailable, match="expired"):
        TrustListTrustSource(document, operator, now=ISSUED + timedelta(hours=25))
    with pytest.raises(TrustSourceUnavailable, match="not valid before"):
        TrustListTrustSource(document, operator, now=ISSUED - timedelta(minutes=5))
    stranger = Authority.from_key(Ed25519Multikey.generate()).did
    with pytest.raises(TrustSourceUnavailable, match="not signed by the registry operator"):
        TrustListTrustSource(document, stranger, now=ISSUED)


def test_a_loaded_list_refuses_queries_once_it_expires(small: Registry, tmp_path: Path):
    path = tmp_path / "trust-list.json"
    path.write_text(json.dumps(_trust_list(small)))
    clock = [ISSUED + timedelta(hours=23)]
    source = TrustListTrustSource.from_file(path, small.operator_authority.did,
                                            now=lambda: clock[0])
    assert source.issuer(BODY_A) is not None
    clock[0] = ISSUED + timedelta(hours=24, seconds=1)
    with pytest.raises(TrustSourceUnavailable, match="expired"):
        source.issuer(BODY_A)


def test_unreadable_trust_lists_are_refused_with_a_reason(tmp_path: Path):
    operator = Authority.from_key(Ed25519Multikey.generate()).did
    with pytest.raises(TrustSourceUnavailable, match="cannot read"):
        TrustListTrustSource.from_file(tmp_path / "missing.json", operator)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(TrustSourceUnavailable, match="not JSON"):
        TrustListTrustSource.from_file(tmp_path / "bad.json", operator)
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(TrustSourceUnavailable):
        TrustListTrustSource.from_file(tmp_path / "deep.json", operator)


def test_an_operator_signed_list_carrying_a_non_anchor_accreditation_ignores_it(
        small: Registry):
    """Even the operator cannot make a body accredited: the anchor's signature is checked."""
    document = unsigned_trust_list(small.trust_data(), small.snapshot(), list_url="urn:x",
                                   sequence=1, issued=ISSUED)
    entry = document["credentialSubject"]["accreditedIssuer"][0]["accreditation"][0]
    forged = copy.deepcopy(entry["credential"]["@value"])
    forged["credentialSubject"]["maxEqfLevel"] = 8  # breaks the anchor's signature
    entry["credential"]["@value"] = forged
    source = TrustListTrustSource(sign_trust_list(document, small.operator_authority),
                                  small.operator_authority.did, now=ISSUED)
    assert source.issuer(BODY_A) is None
    assert "does not verify" in next(iter(source.snapshot().ignored.values()))


# --- the same answers as the database ------------------------------------------------

def test_a_saved_trust_list_answers_exactly_like_the_database(varied: Registry,
                                                              tmp_path: Path):
    path = tmp_path / "trust-list.json"
    path.write_text(json.dumps(_trust_list(varied), ensure_ascii=False, indent=2))
    offline = TrustListTrustSource.from_file(path, varied.operator_authority.did, now=ISSUED)
    database = DatabaseTrustSource(varied)
    issuers = [BODY_A, BODY_B, varied.did_key_body, "did:web:unknown.example"]
    achievements = [SCPM, SCPD, SCPMC, UNIT]
    dates = [_day(2025, 6, 1), _day(2026, 2, 1), _day(2026, 5, 1), _day(2026, 10, 1),
             _day(2028, 1, 1)]
    verdicts = set()
    for did in issuers:
        assert offline.issuer(did) == database.issuer(did)
        for achievement, level, on in itertools.product(achievements, [5, 6, 7, 8, None],
                                                        dates):
            online = database.issuer(did)
            verdict = online is not None and any(
                a.covers(achievement, level, on) for a in online.accreditations)
            saved = offline.issuer(did)
            assert verdict == (saved is not None and any(
                a.covers(achievement, level, on) for a in saved.accreditations))
            verdicts.add(verdict)
    assert verdicts == {True, False}
    for achievement, country in itertools.product(achievements, ["BG", "RO", "GR", "ES", None]):
        assert offline.recognitions(achievement, country) == \
            database.recognitions(achievement, country)
    # what the varied registry holds, as both see it
    a = database.issuer(BODY_A)
    assert sorted((x.country, x.revoked) for x in a.accreditations) == [
        ("BG", False), ("GR", True), ("RO", False)]
    assert [x.country for x in database.issuer(BODY_B).accreditations] == ["GR"]  # ES removed
    (method,) = database.issuer(varied.did_key_body).public_keys  # derived from the did:key
    assert method.startswith(varied.did_key_body + "#z6Mk")
    assert [r.country for r in database.recognitions(SCPD)] == ["BG", "GR"]


def test_a_trust_list_fetched_from_a_url_is_the_same(small: Registry):
    url = "https://registry.example.eu/registry/trust-list"
    body = json.dumps(_trust_list(small)).encode()
    source = TrustListTrustSource.from_file(url, small.operator_authority.did,
                                            fetcher=StaticFetcher({url: body}), now=ISSUED)
    assert source.issuer(BODY_A) == DatabaseTrustSource(small).issuer(BODY_A)
    with pytest.raises(TrustSourceUnavailable, match="cannot fetch"):
        TrustListTrustSource.from_file(url + "?x", small.operator_authority.did,
                                       fetcher=StaticFetcher({url: body}), now=ISSUED)


def test_snapshots_of_the_same_data_are_equal(small: Registry):
    checker = SignatureChecker()
    data = small.trust_data()
    assert build_snapshot(data, checker) == build_snapshot(data, SignatureChecker())


def test_an_older_trust_list_is_refused_once_a_newer_one_was_seen(small: Registry,
                                                                   tmp_path: Path):
    """Replaying the list from before a revocation is a rollback, refused."""
    operator = small.operator_authority.did
    old = _trust_list(small)
    old_sequence = old["credentialSubject"]["sequence"]
    bg = _anchor(small, "bg-second", "BG")
    _recognise(small, bg, SCPD, 5)  # BG's first decision on SCPD (SCPM has one)
    new = _trust_list(small)
    assert new["credentialSubject"]["sequence"] > old_sequence
    memory_file = tmp_path / "seen.json"
    TrustListTrustSource(new, operator, now=ISSUED, seen=SeenSequences(memory_file))
    # a later run (a new process) still remembers the newer list
    with pytest.raises(TrustSourceUnavailable, match=f"number {old_sequence}.*rollback|"
                                                     f"number {old_sequence}.*older"):
        TrustListTrustSource(old, operator, now=ISSUED, seen=SeenSequences(memory_file))
    # the same list again, or one from another operator's numbering, is fine
    TrustListTrustSource(new, operator, now=ISSUED, seen=SeenSequences(memory_file))
    TrustListTrustSource(old, operator, now=ISSUED, seen=SeenSequences(tmp_path / "other"))
