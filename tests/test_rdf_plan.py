"""Plans replay the strict JSON-LD walk exactly, and keep its value checks."""
import copy
import json

import pytest
from vc_calls import STORE

from issuer.demo import sample_role_credential
from vc._internal.jsonld import to_rdf
from vc._internal.jsonld_walk import walk
from vc._internal.rdf_plan import SLOT
from vc._internal.rdfc import canonicalize_quads
from vc.errors import UndefinedTermError, VCError

MIN_COMPARED = 75  # today's count (the vector set is pinned): fewer means it stopped testing


def _same(doc, cache):
    assert canonicalize_quads(to_rdf(doc, cache)) == canonicalize_quads(walk(doc, cache))


def test_replay_equals_the_full_walk_on_every_test_document(vectors, examples_store):
    cache = examples_store.cache()
    docs = [json.loads(p.read_text()) for p in sorted((vectors / "vc-di-eddsa").rglob(
        "*.json")) if "employ" not in str(p) and "keyPair" not in p.name
        and "multiKey" not in p.name]
    docs += [{k: v for k, v in json.loads(p.read_text()).items() if k != "proof"}
             for p in sorted((vectors / "vc-dm2-inputs").rglob("*-ok.json"))]
    compared = refused = 0
    for doc in docs:
        try:
            walk(doc, cache)
        except VCError as refusal:  # the plan refuses what the walk refuses, the same way
            with pytest.raises(type(refusal)):
                to_rdf(doc, cache)
            refused += 1
            continue
        _same(doc, cache)
        _same(doc, cache)  # the second time from the plan
        compared += 1
    assert compared >= MIN_COMPARED, (compared, refused)


def test_documents_of_one_shape_share_a_plan_and_keep_their_values():
    cache = STORE.cache()
    first, second = sample_role_credential(1, "did:web:a.example"), \
        sample_role_credential(2, "did:web:b.example")
    _same(first, cache)
    _same(second, cache)
    assert "did:web:b.example" in canonicalize_quads(to_rdf(second, cache))


def test_a_relative_id_is_refused_even_when_the_shape_has_a_plan():
    cache = STORE.cache()
    to_rdf(sample_role_credential(3, "did:web:a.example"), cache)
    bad = sample_role_credential(4, "did:web:a.example")
    bad["credentialSubject"]["id"] = "not-absolute"
    with pytest.raises(UndefinedTermError, match="absolute IRI"):
        to_rdf(bad, cache)


def test_blank_node_ids_and_slot_lookalikes_are_plain_values():
    # one blank node described in two places: the RDF engine, not compact form (refused)
    cache = STORE.cache(compact_form=False)
    doc = sample_role_credential(5, "did:web:a.example")
    doc["credentialSubject"]["id"] = "_:holder"
    doc["evidence"][0]["id"] = "_:holder"
    _same(doc, cache)
    _same(copy.deepcopy(doc), cache)
    forged = sample_role_credential(6, "did:web:a.example")
    forged["name"] = "s4c-slot-0000000000000000:0"
    forged["credentialSubject"]["achievement"]["name"] = SLOT.replace("s4c", "x") + "1"
    _same(forged, cache)
