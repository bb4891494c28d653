"""Properties of the verdict on genuine credentials from the wild (issue 22): a credential the
test issuer signed, with a status of a type s4c does not implement and further valid proofs
by other keys (a proof set or a chain, in any order), is never "forged or malformed" while
every signature verifies and one is by a key the issuer controls; the same credential with a
changed signed value always is.

Bounded and deterministic: few examples (each signs and verifies with eddsa-rdfc-2022),
derandomized.
"""
import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
)

from vc._internal.dataintegrity import add_proof
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey
from verifier.service import Verifier
from verifier.verdict import Verdict

OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
ISSUER = DemoIssuer()
WORLD = issuer_world(ISSUER)
VERIFIER = Verifier(FakeTrustSource([trusted(ISSUER, accreditation(ISSUER.did))], []),
                    resolver_for(WORLD), WORLD, clock=lambda: NOW, store=STORE)
OTHERS = [Ed25519Multikey.generate() for _ in range(3)]  # an endorser's, a witness's keys
CACHE = STORE.cache()
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# status types s4c does not implement: 1EdTech's, and any absolute URL (no context needed)
STATUS_TYPES = st.one_of(
    st.just("1EdTechRevocationList"),
    st.from_regex(r"https://status\.example/[a-z]{1,12}#[A-Z][A-Za-z0-9]{0,15}",
                  fullmatch=True))


@st.composite
def wild_credentials(draw) -> dict:
    """A genuine role credential with an unknown status entry beside its Bitstring ones, signed
    by the issuer and by 0-2 other keys, as a proof set or a chain, the issuer's proof at any
    position."""
    doc = role_credential(ISSUER)
    del doc["credentialSchema"]  # s4c's own schema allows only its own status entries
    doc["@context"] = [*doc["@context"], OB3_EXTENSIONS]
    entry = {"id": f"{ISSUER.base_url}/revocations/{draw(st.integers(1, 9999))}",
             "type": draw(STATUS_TYPES)}
    entries = [*doc["credentialStatus"], entry]
    doc["credentialStatus"] = draw(st.permutations(entries))
    others = draw(st.lists(st.sampled_from(range(len(OTHERS))), max_size=2, unique=True))
    signers = [None, *others]  # None: the issuer
    signers = draw(st.permutations(signers))
    chained = draw(st.booleans())
    proofs: list[dict] = []
    for n, signer in enumerate(signers):
        if signer is None:
            key, vm = ISSUER.key, ISSUER.vm
        else:
            key = OTHERS[signer]
            did = did_key_from_public_key(key.public_key)
            vm = f"{did}#{key.public_key_multibase}"
        extra = {"id": f"urn:uuid:proof-{n}"}
        base = doc
        if chained and proofs:
            extra["previousProof"] = proofs[-1]["id"]
            base = {**doc, "proof": proofs if len(proofs) > 1 else proofs[0]}
        signed = add_proof(base, key, verification_method=vm, created="2026-06-01T00:00:00Z",
                           extra=extra, cache=CACHE)
        proofs.append(signed["proof"][-1] if isinstance(signed["proof"], list)
                      else signed["proof"])
    return {**doc, "proof": proofs if len(proofs) > 1 else proofs[0]}


@SETTINGS
@given(wild_credentials())
def test_a_genuine_credential_from_the_wild_is_never_forged(credential):
    report = VERIFIER.verify_credential(credential)
    found = {c.id: str(c.outcome) for c in report.checks}
    assert all(v == "passed" for k, v in found.items() if k.startswith("proof")), found
    assert found["key-binding"] == "passed", report.to_json()
    assert report.verdict is not Verdict.FORGED_OR_MALFORMED, report.to_json()
    assert report.verdict is Verdict.COULD_NOT_CHECK  # the unknown status type, only
    assert found["status.unsupported-type"] == "unknown"


SIGNED_VALUES = [("validUntil",), ("credentialSubject", "achievement", "id"),
                 ("credentialSubject", "result", 0, "value"), ("issuer", "name")]


@SETTINGS
@given(wild_credentials(), st.sampled_from(SIGNED_VALUES), st.booleans())
def test_a_changed_signed_value_is_always_forged(credential, path, status_entry):
    tampered = copy.deepcopy(credential)
    if status_entry:  # the unknown status entry is signed like everything else
        entry = next(e for e in tampered["credentialStatus"]
                     if e["type"] != "BitstringStatusListEntry")
        entry["id"] += "-changed"
    else:
        node = tampered
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = "2099-01-01T00:00:00Z" if path == ("validUntil",) \
            else f"{node[path[-1]]}-changed"
    report = VERIFIER.verify_credential(tampered)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED, report.to_json()
