"""Properties of the verdict on genuine credentials from the wild ("Tests"): a
credential the test issuer signed, with random extra evidence and alignment nodes, 0-2
embedded endorsements, an optional status entry of a type s4c does not implement and 0-2
further valid proofs by other keys (a proof set or a chain, the issuer's proof at any
position), all drawn together (`wild_credentials`), is never "forged or malformed" while every
signature verifies and one is by a key the issuer controls; the same credential with one
signed value changed always is.

Bounded and deterministic: few examples (each signs and verifies with eddsa-rdfc-2022),
derandomized, no example database.
"""
import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wild_credentials import VERIFIER, WildCredential, reasons, wild_credentials

from verifier.verdict import Verdict

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(wild_credentials())
def test_a_genuine_credential_from_the_wild_is_never_forged(wild: WildCredential):
    report = VERIFIER.verify_credential(wild.credential)
    found = {c.id: str(c.outcome) for c in report.checks}
    # the premise: every signature verifies, and one is by a key the issuer controls
    assert all(v == "passed" for k, v in found.items() if k.startswith("proof")), found
    assert found["key-binding"] == "passed", report.to_json()

    assert report.verdict is not Verdict.FORGED_OR_MALFORMED, reasons(report)
    if wild.unknown_status:  # its status could not be checked, with the type named
        assert report.verdict is Verdict.COULD_NOT_CHECK, reasons(report)
        assert found["status.unsupported-type"] == "unknown"
    else:
        assert report.verdict is Verdict.VALID, reasons(report)


# signed values of the role credential itself; the drawn additions are added below
SIGNED_VALUES = [("validUntil",), ("credentialSubject", "achievement", "id"),
                 ("credentialSubject", "result", 0, "value"), ("issuer", "name")]


def _signed_values(wild: WildCredential) -> list[tuple]:
    paths = list(SIGNED_VALUES)
    if wild.unknown_status:  # the unknown status entry is signed like everything else
        at = next(n for n, e in enumerate(wild.credential["credentialStatus"])
                  if e["type"] != "BitstringStatusListEntry")
        paths.append(("credentialStatus", at, "id"))
    for n, record in enumerate(wild.credential["evidence"]):
        if record["id"].startswith("urn:uuid:00000000-0000-4000-8000-"):  # a drawn one
            paths.append(("evidence", n, "narrative"))
    for holder in (("issuer",), ("credentialSubject", "achievement")):
        node = wild.credential
        for step in holder:
            node = node[step]
        for n, _ in enumerate(node.get("endorsement", [])):  # signed by both bodies
            paths.append((*holder, "endorsement", n, "credentialSubject",
                          "endorsementComment"))
    return paths


@SETTINGS
@given(wild_credentials(), st.data())
def test_the_same_credential_with_a_changed_signed_value_is_always_forged(
        wild: WildCredential, data):
    path = data.draw(st.sampled_from(_signed_values(wild)))
    tampered = copy.deepcopy(wild.credential)
    node = tampered
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "2099-01-01T00:00:00Z" if path == ("validUntil",) \
        else f"{node[path[-1]]}-changed"
    report = VERIFIER.verify_credential(tampered)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED, (path, report.to_json())
