"""Strict JSON-LD: what pyld would silently drop is refused; canonical forms equal pyld's."""
import json

import pytest
import vc_calls
from check_results import failed_checks
from pyld import jsonld as pyld

from issuer.demo import sample_role_credential
from vc._internal.rdfc import canonicalize
from vc.did_key import did_key_from_public_key
from vc.errors import ContextError, ProtectedTermError, UndefinedTermError
from vc.multikey import Ed25519Multikey

V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(scope="module")
def issuer():
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    return key, did, f"{did}#{key.public_key_multibase}"


def _pyld_canonical(doc, store) -> str:
    return pyld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                "documentLoader": store.document_loader})


def _credentials(vectors):
    docs = [sample_role_credential(i, "did:web:certify.example.eu") for i in range(3)]
    base = vectors / "vc-di-eddsa"
    docs += [json.loads(p.read_text()) for p in sorted(base.rglob("signed*.json"))
             if "employ" not in str(p)]
    inputs = vectors / "vc-dm2-inputs"
    # the inputs are unsigned credentials; a few carry an illustrative proof whose terms
    # are undefined, which the issuing path strips before it checks terms
    for p in sorted(inputs.rglob("*-ok.json")):
        docs.append({k: v for k, v in json.loads(p.read_text()).items() if k != "proof"})
    return docs


def test_canonical_form_equals_pyld_on_every_test_credential(vectors, examples_store):
    # the RDF engine itself, on every input (compact form off: some use @direction)
    cache = examples_store.cache(compact_form=False)
    checked = 0
    for doc in _credentials(vectors):
        assert canonicalize(doc, cache) == _pyld_canonical(doc, examples_store)
        checked += 1
    assert checked >= 75  # today's count (3 samples and the pinned vectors): fewer stopped testing


def test_undefined_property_is_refused_at_issue_and_at_verify(issuer):
    key, did, vm = issuer
    doc = sample_role_credential(1, did)
    doc["credentialSubject"]["favouriteColour"] = "green"
    with pytest.raises(UndefinedTermError, match="favouriteColour"):
        vc_calls.sign(doc, key, verification_method=vm)
    # pyld itself drops the term silently: that is why the check exists
    assert "favouriteColour" not in json.dumps(pyld.expand(
        doc, {"documentLoader": vc_calls.STORE.document_loader}))
    signed = vc_calls.sign(sample_role_credential(1, did), key, verification_method=vm)
    signed["credentialSubject"]["favouriteColour"] = "green"
    failed = failed_checks(vc_calls.verify(signed).checks)
    # the term check names it; RDFC cannot canonicalise it, so the proof fails the same way
    assert "favouriteColour" in failed["terms"] and failed["proof"] == failed["terms"]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_undefined_type_is_refused(issuer, suite):
    key, did, vm = issuer
    doc = sample_role_credential(2, did)
    doc["type"].append("MadeUpCredential")
    with pytest.raises(UndefinedTermError, match="MadeUpCredential"):
        vc_calls.sign(doc, key, suite=suite, verification_method=vm)


def test_redefining_a_protected_term_is_refused(issuer):
    key, did, vm = issuer
    doc = sample_role_credential(3, did)
    doc["@context"] = [*doc["@context"], {"name": "https://evil.example/name"}]
    with pytest.raises(ProtectedTermError, match="name"):
        vc_calls.sign(doc, key, verification_method=vm)


def test_an_unknown_context_is_an_error_not_a_fetch(issuer):
    key, did, vm = issuer
    doc = sample_role_credential(4, did)
    doc["@context"].append("https://contexts.example/never-fetched.jsonld")
    with pytest.raises(ContextError, match="unknown JSON-LD context"):
        vc_calls.sign(doc, key, verification_method=vm)


def test_relative_iri_and_invalid_value_object_are_refused(issuer):
    key, did, vm = issuer
    doc = sample_role_credential(5, did)
    doc["credentialSubject"]["id"] = "not-an-iri"
    with pytest.raises(UndefinedTermError, match="absolute IRI"):
        vc_calls.sign(doc, key, verification_method=vm)
    doc = sample_role_credential(5, did)
    doc["name"] = {"@value": "Role", "@language": "en", "url": "https://x.example"}
    with pytest.raises(ContextError, match="value object"):
        vc_calls.sign(doc, key, verification_method=vm)


def test_a_tampered_pinned_context_file_is_refused(tmp_path):
    from vc.contexts import STANDARD_CONTEXTS_DIR, ContextStore, PinnedContexts

    for f in STANDARD_CONTEXTS_DIR.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    path = tmp_path / "credentials-v2.jsonld"
    path.write_text(path.read_text().replace("https://schema.org/name", "https://evil/name"))
    with pytest.raises(ContextError, match="SHA-256"):
        ContextStore(pinned=[PinnedContexts(tmp_path)]).load(V2)


def test_language_tags_and_control_characters_canonicalize_exactly(vectors, examples_store):
    doc = {"@context": [V2], "type": ["VerifiableCredential"], "issuer": "did:example:1",
           "name": [{"@value": "Ръководител на проекти", "@language": "BG"},
                    {"@value": "Tab\there \"quoted\" back\\slash", "@language": "en"}],
           "credentialSubject": {"id": "did:example:2"}}
    ours = canonicalize(doc, examples_store.cache())
    assert ours == _pyld_canonical(doc, examples_store)
    assert '"Ръководител на проекти"@bg' in ours


def test_a_context_list_changed_in_place_is_processed_again(issuer):
    key, did, vm = issuer
    doc = sample_role_credential(9, did)
    signed = vc_calls.sign(doc, key, verification_method=vm)
    assert vc_calls.verify(signed).verified
    signed["@context"].append("https://contexts.example/never-fetched.jsonld")
    failed = failed_checks(vc_calls.verify(signed).checks)
    assert "unknown JSON-LD context" in failed["terms"] and failed["proof"] == failed["terms"]


def test_json_typed_terms_keep_objects_and_arrays_as_one_literal(examples_store):
    doc = {"@context": [V2, {"data": {"@id": "https://example.org/data", "@type": "@json"}}],
           "type": ["VerifiableCredential"], "issuer": "did:example:1",
           "credentialSubject": {"id": "did:example:2"},
           "data": {"b": [1, 2], "a": {"nested": True}}}
    ours = canonicalize(doc, examples_store.cache())
    assert ours == _pyld_canonical(doc, examples_store)
    assert '"{\\"a\\":{\\"nested\\":true},\\"b\\":[1,2]}"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>' in ours


def test_the_jcs_term_check_cache_still_sees_a_changed_type_or_context(issuer):
    key, did, vm = issuer
    good = vc_calls.sign(sample_role_credential(11, did), key, suite="eddsa-jcs-2022",
                    verification_method=vm)
    assert vc_calls.verify(good).verified  # caches this shape as checked
    bad = sample_role_credential(12, did)
    bad["type"] = ["VerifiableCredential", "MadeUpCredential"]  # same shape, other value
    with pytest.raises(UndefinedTermError, match="MadeUpCredential"):
        vc_calls.sign(bad, key, suite="eddsa-jcs-2022", verification_method=vm)
    bad_status = sample_role_credential(13, did)
    bad_status["credentialStatus"][0]["type"] = "MadeUpStatusEntry"
    with pytest.raises(UndefinedTermError, match="MadeUpStatusEntry|statusListCredential"):
        vc_calls.sign(bad_status, key, suite="eddsa-jcs-2022", verification_method=vm)
