"""The registry service on a real SQLite database: scope, recognition, who may change what,
and that only signatures (not table rows) make anybody accredited."""
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from registry_bodies import Bodies
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from vc_calls import issue

from registry.authority import Authority
from registry.credentials import accreditation_credential
from registry.errors import InvalidRecord, NotAuthorised, RecordConflict
from registry.models import CredentialRecord, RegistryAuditEvent
from registry.service import Registry
from registry.trust_source import DatabaseTrustSource
from registry.vocab import role_id
from vc.multikey import Ed25519Multikey
from web.registry.words import registry_english
from web.wiring.db import make_engine, upgrade


@contextmanager
def refused(kind, pattern: str):
    """`pytest.raises(kind, match=pattern)` over the refusal's English, which comes from the
    catalogue by its code."""
    with pytest.raises(kind) as caught:
        yield caught
    said = registry_english(caught.value.finding)
    assert re.search(pattern, said), said

SCPM, SCPD, SCPMC = role_id("SCPM"), role_id("SCPD"), role_id("SCPMC")
UNIT = "https://w3id.org/skills4cities/framework/v1/units/U03"
BODY = "did:web:certify.example.eu"
T0 = datetime(2026, 3, 1, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class World:
    """A registry with an operator and two anchors (BG, RO) and their keys."""

    def __init__(self, tmp: Path) -> None:
        url = f"sqlite:///{tmp / 'registry.db'}"
        upgrade(url)
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine)
        self.clock = Clock(T0)
        self.body_key = Ed25519Multikey.generate()
        self.bodies = Bodies({BODY: {"key-1": self.body_key}})
        self.registry = Registry(self.sessions, "https://registry.example.eu",
                                 clock=self.clock, body_keys=self.bodies.source())
        self.source = DatabaseTrustSource(self.registry)
        self.operator = Authority.from_key(Ed25519Multikey.generate())
        self.registry.ensure_operator(self.operator)
        self.bg = self.add_anchor("bg-navet", "BG")
        self.ro = self.add_anchor("ro-anc", "RO")

    def add_anchor(self, slug: str, country: str, **kwargs) -> Authority:
        anchor = Authority.from_key(Ed25519Multikey.generate())
        self.registry.add_anchor(self.operator, anchor.did, slug=slug, country=country,
                                 names={"en": f"{slug} (DEMO)"},
                                 valid_from=kwargs.pop("valid_from", T0 - timedelta(days=400)),
                                 **kwargs)
        return anchor

    def accredit(self, anchor: Authority, **kwargs) -> dict:
        args = {"names": {"en": "Demo Body"}, "achievements": [SCPM], "max_eqf_level": 6,
                "valid_from": datetime(2026, 1, 1, tzinfo=UTC),
                "valid_until": datetime(2026, 12, 31, tzinfo=UTC)}
        args.update(kwargs)
        return self.registry.accredit(anchor, BODY, **args)

    def recognise(self, anchor: Authority, achievement: str = SCPM, level: int = 6) -> dict:
        return self.registry.recognise(anchor, achievement, nqf_level=f"NQF {level}",
                                       eqf_level=level, equivalence={"en": "Equivalent"},
                                       legal_basis="Act 1/2020")

    def count(self, model) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(tmp_path: Path):
    w = World(tmp_path)
    yield w
    w.engine.dispose()


def accredited(world: World, achievement: str, level: int | None, on: datetime) -> bool:
    issuer = world.source.issuer(BODY)
    return issuer is not None and any(a.covers(achievement, level, on)
                                      for a in issuer.accreditations)


# --- accreditation scope -------------------------------------------------------------

def test_accreditation_covers_only_its_roles_levels_and_period(world: World):
    world.accredit(world.bg)
    mid = datetime(2026, 6, 1, tzinfo=UTC)
    assert accredited(world, SCPM, 6, mid)
    assert accredited(world, SCPM, 5, mid)
    assert not accredited(world, SCPM, 7, mid), "above maxEqfLevel"
    assert not accredited(world, SCPD, 6, mid), "role not in scope"
    assert not accredited(world, SCPM, 6, datetime(2025, 12, 31, tzinfo=UTC)), "before"
    assert not accredited(world, SCPM, 6, datetime(2027, 1, 1, tzinfo=UTC)), "after"


def test_an_empty_scope_covers_the_whole_framework(world: World):
    world.accredit(world.bg, achievements=[])
    assert accredited(world, UNIT, 6, datetime(2026, 6, 1, tzinfo=UTC))
    assert accredited(world, SCPMC, 6, datetime(2026, 6, 1, tzinfo=UTC))


def test_a_revoked_accreditation_is_marked_revoked_and_covers_nothing(world: World):
    credential = world.accredit(world.bg)
    world.registry.revoke_accreditation(world.bg, credential["id"])
    issuer = world.source.issuer(BODY)
    assert [a.revoked for a in issuer.accreditations] == [True]
    assert not accredited(world, SCPM, 6, datetime(2026, 6, 1, tzinfo=UTC))
    with pytest.raises(RecordConflict):
        world.registry.revoke_accreditation(world.bg, credential["id"])


def test_the_accreditation_period_ends_with_the_anchors(world: World):
    short = world.add_anchor("gr-eoppep", "GR", valid_until=datetime(2026, 6, 30, tzinfo=UTC))
    world.accredit(short)
    (accreditation,) = world.source.issuer(BODY).accreditations
    assert accreditation.valid_until == datetime(2026, 6, 30, tzinfo=UTC)
    assert not accredited(world, SCPM, 6, datetime(2026, 7, 1, tzinfo=UTC))


def test_a_body_accredited_by_two_anchors_lists_both(world: World):
    world.accredit(world.bg)
    world.accredit(world.ro, achievements=[SCPD], max_eqf_level=7)
    issuer = world.source.issuer(BODY)
    assert {(a.country, a.max_eqf_level) for a in issuer.accreditations} == {("BG", 6),
                                                                            ("RO", 7)}
    assert accredited(world, SCPD, 7, datetime(2026, 6, 1, tzinfo=UTC))
    # the anchors' wording stays beside each accreditation; the body's name is the
    # operator's registration, of which there is none yet
    assert issuer.name == {} and issuer.country is None
    assert [a.body_name for a in issuer.accreditations] == [{"en": "Demo Body"}] * 2
    world.registry.register_body(world.operator, BODY, names={"en": "Certify EU"})
    assert world.source.issuer(BODY).name == {"en": "Certify EU"}
    assert world.source.issuer("did:web:unknown.example") is None


def test_removing_an_anchor_makes_what_it_signed_stop_counting(world: World):
    world.accredit(world.bg)
    world.recognise(world.bg)
    world.registry.remove_anchor(world.operator, "bg-navet")
    assert world.source.issuer(BODY) is None
    assert world.source.recognitions(SCPM) == []
    with pytest.raises(NotAuthorised):
        world.accredit(world.bg)


# --- recognition ---------------------------------------------------------------------

def test_a_recognition_is_returned_for_its_country_and_role_only(world: World):
    world.recognise(world.bg, SCPM, 6)
    world.recognise(world.ro, SCPD, 5)
    (bg,) = world.source.recognitions(SCPM, "BG")
    assert (bg.country, bg.nqf_level, bg.eqf_level, bg.anchor_did) == ("BG", "NQF 6", 6,
                                                                       world.bg.did)
    assert world.source.recognitions(SCPM, "bg") == [bg]
    assert world.source.recognitions(SCPM, "RO") == []
    assert world.source.recognitions(SCPD, "BG") == []
    assert [r.country for r in world.source.recognitions(SCPD)] == ["RO"]
    assert world.source.recognitions(SCPMC) == []


def test_a_withdrawn_recognition_is_no_longer_returned(world: World):
    credential = world.recognise(world.bg)
    world.registry.withdraw_recognition(world.bg, credential["id"])
    assert world.source.recognitions(SCPM, "BG") == []


# --- only signatures count -----------------------------------------------------------

def _insert(world: World, credential: dict) -> None:
    with world.sessions.begin() as session:
        session.add(CredentialRecord(
            id=credential["id"], kind="accreditation", issuer_did=credential["issuer"],
            subject_did=BODY, valid_from=T0, credential=credential))


def _rogue_accreditation(issuer: str, key: Ed25519Multikey, vm: str) -> dict:
    return issue(accreditation_credential(
        anchor_did=issuer, issuer_did=BODY, names={"en": "Rogue"}, country=None,
        framework="https://w3id.org/skills4cities/framework/v1", achievements=(SCPM,),
        max_eqf_level=8, valid_from=T0 - timedelta(days=1), valid_until=None, status=None),
        key, verification_method=vm)


def test_an_accreditation_signed_by_a_key_that_is_not_an_anchor_is_ignored(world: World):
    rogue = Authority.from_key(Ed25519Multikey.generate())
    credential = _rogue_accreditation(rogue.did, rogue.key, rogue.verification_method)
    _insert(world, credential)
    assert world.source.issuer(BODY) is None
    assert "not a registered trust anchor" in world.registry.snapshot().ignored[credential["id"]]
    with pytest.raises(NotAuthorised):  # nor can it be stored through the service
        world.accredit(rogue)


def test_an_accreditation_in_an_anchors_name_but_signed_by_another_key_is_ignored(
        world: World):
    forger = Ed25519Multikey.generate()
    credential = _rogue_accreditation(world.bg.did, forger,
                                      f"{world.bg.did}#{forger.public_key_multibase}")
    _insert(world, credential)
    assert world.source.issuer(BODY) is None
    assert "does not verify" in world.registry.snapshot().ignored[credential["id"]]


def test_editing_a_stored_credential_voids_it(world: World):
    credential = world.accredit(world.bg)
    with world.sessions.begin() as session:
        row = session.get(CredentialRecord, credential["id"])
        edited = dict(row.credential)
        edited["credentialSubject"] = dict(edited["credentialSubject"], maxEqfLevel=8)
        row.credential = edited
        row.eqf_level = 8
        session.add(RegistryAuditEvent(actor="intruder", action="edit", subject=None))
    assert world.source.issuer(BODY) is None


# --- who may change what --------------------------------------------------------------

def test_only_the_operator_adds_and_removes_anchors(world: World):
    newcomer = Authority.from_key(Ed25519Multikey.generate())
    before = world.count(RegistryAuditEvent)
    for impostor in (world.bg, newcomer):
        with pytest.raises(NotAuthorised):
            world.registry.add_anchor(impostor, newcomer.did, slug="es-incual", country="ES",
                                      names={"es": "INCUAL"})
        with pytest.raises(NotAuthorised):
            world.registry.remove_anchor(impostor, "ro-anc")
    assert world.count(RegistryAuditEvent) == before
    assert world.ro.did in world.registry.snapshot().anchors


def test_only_a_registered_anchor_accredits_and_recognises(world: World):
    stranger = Authority.from_key(Ed25519Multikey.generate())
    for outsider in (world.operator, stranger):
        with pytest.raises(NotAuthorised):
            world.accredit(outsider)
        with pytest.raises(NotAuthorised):
            world.recognise(outsider)
    assert world.count(CredentialRecord) == 2  # the two anchor credentials


def test_only_the_issuing_anchor_revokes_or_withdraws(world: World):
    accreditation = world.accredit(world.bg)
    recognition = world.recognise(world.bg)
    for other in (world.ro, world.operator):
        with pytest.raises(NotAuthorised):
            world.registry.revoke_accreditation(other, accreditation["id"])
        with pytest.raises(NotAuthorised):
            world.registry.withdraw_recognition(other, recognition["id"])
    assert not world.source.issuer(BODY).accreditations[0].revoked
    assert len(world.source.recognitions(SCPM, "BG")) == 1


def test_a_key_that_is_not_the_dids_own_cannot_act_for_it(world: World):
    impersonator = Authority(world.bg.did, world.bg.verification_method,
                             Ed25519Multikey.generate())
    with pytest.raises(NotAuthorised):
        world.accredit(impersonator)
    with pytest.raises(NotAuthorised):
        world.registry.add_anchor(Authority(world.operator.did, world.operator.verification_method,
                                            world.bg.key),
                                  "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                                  slug="x", country="ES", names={"en": "X"})


def test_an_anchor_cannot_decide_for_another_country_and_input_is_checked(world: World):
    credential = world.recognise(world.bg)
    assert credential["credentialSubject"]["country"] == "BG"
    with pytest.raises(InvalidRecord):
        world.accredit(world.bg, max_eqf_level=9)
    with pytest.raises(InvalidRecord):
        world.accredit(world.bg, achievements=["https://elsewhere.example/roles/X"])
    with pytest.raises(InvalidRecord):
        world.accredit(world.bg, valid_until=datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidRecord):
        world.accredit(world.bg, public_keys={"did:web:other.example#k": "z6Mk"})


def test_every_change_is_one_audit_row_by_its_signer(world: World):
    before = world.count(RegistryAuditEvent)
    credential = world.accredit(world.bg)
    world.registry.revoke_accreditation(world.bg, credential["id"])
    events = world.registry.audit_events(limit=3)
    assert world.count(RegistryAuditEvent) == before + 3  # the body's keys were recorded too
    assert [(e["action"], e["actor"]) for e in events] == [
        ("registry.accreditation.revoked", world.bg.did),
        ("registry.accreditation.issued", world.bg.did),
        ("registry.issuer.keys", world.bg.did)]


def test_the_status_list_reflects_revocation(world: World):
    from vc.statuslist import read_status

    credential = world.accredit(world.bg)
    status = credential["credentialStatus"]
    assert status["statusListCredential"] == "https://registry.example.eu/registry/status/bg-navet"
    assert read_status(status, world.registry.status_list("bg-navet")) is False
    world.registry.revoke_accreditation(world.bg, credential["id"])
    assert read_status(status, world.registry.status_list("bg-navet")) is True


def test_api_tokens_authenticate_only_their_authority(world: World):
    token = world.registry.rotate_token("bg-navet")
    assert world.registry.authenticate(token).did == world.bg.did
    _, secret = token.split(".")
    assert world.registry.authenticate(f"ro-anc.{secret}") is None
    assert world.registry.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    world.registry.rotate_token("bg-navet")
    assert world.registry.authenticate(token) is None


def test_an_anchor_cannot_hijack_a_body_s_key(world: World):
    """An anchor that never accredited a body sent `publicKeys` in an accreditation,
    overwrote the body's key, revoked its own accreditation, and its key stayed listed."""
    world.accredit(world.bg)
    genuine = {f"{BODY}#key-1": world.body_key.public_key_multibase}
    assert world.source.issuer(BODY).public_keys == genuine  # read from the DID document
    attacker = Ed25519Multikey.generate().public_key_multibase
    with refused(InvalidRecord, "another key"):
        world.accredit(world.ro, public_keys={f"{BODY}#key-1": attacker})
    with refused(InvalidRecord, "not a key of"):
        world.accredit(world.ro, public_keys={f"{BODY}#key-9": attacker})
    rogue = world.accredit(world.ro)  # may accredit, but cannot bring keys
    world.registry.revoke_accreditation(world.ro, rogue["id"])
    assert world.source.issuer(BODY).public_keys == genuine
    with pytest.raises(NotAuthorised):  # no longer accredits: may not even ask for a refresh
        world.registry.refresh_body_keys(world.ro, BODY)


def test_a_key_rotation_is_read_from_the_body_and_audited(world: World):
    world.accredit(world.bg)
    rotated = Ed25519Multikey.generate()
    world.bodies.keys[BODY] = {"key-2": rotated}
    world.bodies.publish()
    assert world.registry.refresh_body_keys(world.bg, BODY) is True
    assert world.source.issuer(BODY).public_keys == {
        f"{BODY}#key-2": rotated.public_key_multibase}
    event = world.registry.audit_events(limit=1)[0]
    assert event["action"] == "registry.issuer.keys" and event["actor"] == world.bg.did
    assert world.registry.refresh_body_keys(world.operator, BODY) is False  # unchanged


def test_an_anchor_can_narrow_the_keys_it_accepts(world: World):
    world.bodies.keys[BODY] = {"key-1": world.body_key, "key-2": Ed25519Multikey.generate()}
    world.bodies.publish()
    world.accredit(world.bg, public_keys=[f"{BODY}#key-1"])
    (accreditation,) = world.source.issuer(BODY).accreditations
    assert accreditation.accepted_keys == (f"{BODY}#key-1",)
    assert accreditation.accepts([f"{BODY}#key-1"])
    assert not accreditation.accepts([f"{BODY}#key-2"])
    assert len(world.source.issuer(BODY).public_keys) == 2  # the body's own list is whole


def test_public_keys_that_are_not_key_ids_are_a_clear_refusal(world: World):
    with refused(InvalidRecord, "key ids"):
        world.accredit(world.bg, public_keys=[{"id": f"{BODY}#key-1"}])
