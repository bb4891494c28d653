"""What s4c signs, verified by digitalbazaar's `vc` (npm, pinned in tests/interop_dbvc): the
independent check that `s4c vc sign --suite Ed25519Signature2020` makes credentials other
verifiers accept (it adds the suite's context, which digitalbazaar's suite requires), for
VC DM 2.0 and 1.1 credentials, next to eddsa-rdfc-2022. Contexts come from our pinned files;
the did:key issuer resolves offline."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from vc import api
from vc.contexts import STANDARD_CONTEXTS_DIR, ContextStore
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey
from web.cli import main

SCRIPT = Path(__file__).parent / "interop_dbvc" / "verify.mjs"
KEY = Ed25519Multikey.generate()
DID = did_key_from_public_key(KEY.public_key)
VM = f"{DID}#{KEY.public_key_multibase}"
STORE = ContextStore()
NOW = "2026-03-01T00:00:00Z"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


@pytest.fixture(scope="module")
def dbvc():
    installed = (SCRIPT.parent / "node_modules" / "@digitalbazaar" / "vc").is_dir()
    if shutil.which("node") is None or not installed:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must check interop with digitalbazaar's vc: run .ci/install-test-deps")
        pytest.skip("digitalbazaar's vc is not installed (npm ci --prefix tests/interop_dbvc)")

    def verify(credential: dict, *contexts: str) -> dict:
        done = subprocess.run(["node", str(SCRIPT), str(STANDARD_CONTEXTS_DIR), NOW, *contexts],
                              cwd=SCRIPT.parent, input=json.dumps(credential),
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)
    return verify


def credential(version: str) -> dict:
    if version == "2.0":
        return {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "urn:uuid:3f7c1d4e-2a9b-4c8d-9e0f-1a2b3c4d5e6f",
                "type": ["VerifiableCredential"], "issuer": DID,
                "validFrom": "2025-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:holder", "name": "Maria"}}
    return {"@context": ["https://www.w3.org/2018/credentials/v1",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"],
            "id": "urn:uuid:3f7c1d4e-2a9b-4c8d-9e0f-1a2b3c4d5e70",
            "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": DID,
            "issuanceDate": "2025-01-01T00:00:00Z", "name": "Smart City Project Manager",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                "id": "https://w3id.org/skills4cities/framework/v1/roles/SCPM",
                "type": ["Achievement"], "name": "Smart City Project Manager",
                "criteria": {"narrative": "Holds every unit of the role."}}}}


@pytest.mark.parametrize("version", ["2.0", "1.1"])
@pytest.mark.parametrize("suite", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
def test_digitalbazaar_verifies_what_s4c_signs(dbvc, version, suite):
    signed = api.sign(credential(version), KEY, store=STORE, suite=suite, verification_method=VM,
                      created="2025-06-01T00:00:00Z")
    assert dbvc(signed) == {"verified": True, "error": None}


def test_digitalbazaar_verifies_the_output_of_vc_sign_with_ed25519_signature_2020(dbvc, tmp_path):
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({"publicKeyMultibase": KEY.public_key_multibase,
                                    "secretKeyMultibase": _secret(KEY)}))
    unsigned = tmp_path / "in.json"
    unsigned.write_text(json.dumps(credential("2.0")))
    signed = CliRunner().invoke(main, ["vc", "sign", "--key", str(key_file), "--suite",
                                       "Ed25519Signature2020", str(unsigned)])
    assert signed.exit_code == 0, signed.output
    document = json.loads(signed.stdout)
    assert document["@context"][-1] == ED25519_2020
    assert dbvc(document) == {"verified": True, "error": None}


def test_digitalbazaar_refuses_an_ed25519_signature_2020_proof_without_its_context(
        dbvc, vectors, examples_store):
    """Why the signer adds the context: the W3C vector, signed as `vc sign` did before (over
    the document without the suite context), is refused by digitalbazaar's suite; the
    vector as published (with it), and what `vc sign` makes now, are accepted."""
    from vc._internal.dataintegrity import add_proof

    examples = f"{EXAMPLES_V2}={vectors / 'contexts' / 'credentials-examples-v2.jsonld'}"
    base = vectors / "vc-di-eddsa"
    pair = json.loads((base / "keyPair.json").read_text(encoding="utf-8"))
    key = Ed25519Multikey.from_json(pair)
    vm = f"did:key:{key.public_key_multibase}#{key.public_key_multibase}"
    unsigned = json.loads((base / "unsigned.json").read_text(encoding="utf-8"))
    unsigned["issuer"] = f"did:key:{key.public_key_multibase}"  # resolvable offline
    before = add_proof(unsigned, key, suite="Ed25519Signature2020", verification_method=vm,
                       cache=examples_store.cache(), created="2023-02-24T23:36:38Z")
    answer = dbvc(before, examples)
    assert answer["verified"] is False
    # without the suite context the proof's type is not the suite's IRI: no suite takes it
    assert "insufficient proofs matched the acceptable suite" in answer["error"]

    now = api.sign(unsigned, key, store=examples_store, suite="Ed25519Signature2020",
                   verification_method=vm, created="2023-02-24T23:36:38Z")
    assert dbvc(now, examples) == {"verified": True, "error": None}


def test_digitalbazaar_refuses_what_s4c_signed_once_altered(dbvc):
    signed = api.sign(credential("1.1"), KEY, store=STORE, suite="Ed25519Signature2020",
                      verification_method=VM, created="2025-06-01T00:00:00Z")
    signed["name"] = "Chief Everything Officer"
    assert dbvc(signed)["verified"] is False


def _secret(key: Ed25519Multikey) -> str:
    from vc.multikey import private_key_to_multibase

    assert key.private_key is not None
    return private_key_to_multibase(key.private_key)
