"""RDFC-1.0 (`vc._internal.rdfc`, `vc._internal.rdfc_labels`) against two independent
implementations: pyld's URDNA2015 (what ACA-Py signs with) on credentials and presentations
of alike credentials (§4.8 Hash N-Degree Quads), and digitalbazaar's rdf-canonize (npm, the
reference the W3C editors maintain) on generated datasets. pyld differs from both when one quad names the
same blank node twice (it counts the quad twice in §4.6), so generated data goes to
rdf-canonize."""
import copy

import pytest
import rdf_canonize
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from vc_calls import STORE

from issuer.demo import sample_role_credential
from vc._internal import rdfc
from vc._internal.jsonld import to_rdf
from vc.errors import CanonicalizationError

V2 = "https://www.w3.org/ns/credentials/v2"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _pyld(doc) -> str:
    return pyld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                "documentLoader": STORE.document_loader})


@pytest.fixture(scope="module")
def reference():
    process = rdf_canonize.start()
    yield process
    process.close()


def test_credentials_equal_pyld():
    for i in range(5):
        doc = sample_role_credential(i, "did:web:certify.example.eu")
        assert rdfc.canonicalize(doc, STORE.cache()) == _pyld(doc)


def test_blank_nodes_with_equal_first_degree_hashes_take_the_n_degree_algorithm():
    doc = {"@context": [V2], "type": ["VerifiableCredential"], "issuer": "did:example:i",
           "credentialSubject": [{"name": "same"}, {"name": "same"}, {"name": "other"}]}
    ours = rdfc.canonicalize(doc, STORE.cache())
    assert ours == _pyld(doc)
    assert "_:c14n2" in ours


def test_a_presentation_of_alike_credentials_equals_pyld():
    """The case an ACA-Py wallet met: two credentials in their own named graphs, each with
    an identical blank-node result of the same holder (pyoxigraph 0.5 labelled it otherwise,
    so the wallet's signature did not verify)."""
    base = sample_role_credential(1, "did:web:certify.example.eu")
    base["credentialSubject"]["id"] = "did:example:holder"
    base["credentialSubject"]["result"] = [{"type": ["Result"], "status": "Completed",
                                            "value": "6/6 units"}]
    base["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                     "created": "2026-01-01T00:00:00Z", "proofPurpose": "assertionMethod",
                     "verificationMethod": "did:web:certify.example.eu#key-1",
                     "proofValue": "z3yS"}
    credentials = []
    for n in range(3):
        credential = copy.deepcopy(base)
        credential["id"] = f"urn:uuid:00000000-0000-4000-8000-00000000000{n}"
        credentials.append(credential)
    vp = {"@context": [V2], "type": ["VerifiablePresentation"],
          "holder": "did:example:holder", "verifiableCredential": credentials}
    assert rdfc.canonicalize(vp, STORE.cache()) == _pyld(vp)


def test_a_poison_dataset_is_refused_within_bounds():
    """RDFC-1.0 §6 / W3C test074: a clique of alike blank nodes."""
    nodes = [("bnode", f"e{i}") for i in range(10)]
    quads = [(a, ("iri", "http://example.org/vocab#p"), b, None)
             for a in nodes for b in nodes if a != b]
    try:
        rdfc.canonicalize_quads(quads)
    except CanonicalizationError as e:
        assert "too many" in str(e) or "too alike" in str(e)
    else:
        raise AssertionError("a 10-clique of blank nodes must be refused")


def test_control_characters_are_escaped_as_rdf_1_2_canonical_n_quads():
    text = 'a\tb\x01\x08\x0c\x7f"\\\n\r é'
    quads = [(("iri", "did:example:s"), ("iri", "https://schema.org/name"),
              ("literal", text, XSD_STRING, None), None)]
    assert rdfc.canonicalize_quads(quads) == (
        '<did:example:s> <https://schema.org/name> '
        '"a\\tb\\u0001\\b\\f\\u007F\\"\\\\\\n\\r é" .\n')


def test_duplicate_quads_count_once():
    q = (("iri", "did:example:s"), ("iri", "https://schema.org/name"),
         ("literal", "x", XSD_STRING, None), None)
    assert rdfc.canonicalize_quads([q, q]).count("\n") == 1


def test_first_degree_labels_need_no_n_degree_hashing_on_credentials():
    quads = to_rdf(sample_role_credential(3, "did:web:certify.example.eu"), STORE.cache())
    labeller = rdfc.BlankNodeLabeller(list(dict.fromkeys(rdfc._serialize_terms(quads))),
                                      rdfc._line)
    labeller.labels()
    assert labeller._calls == 0


_bnodes = st.sampled_from([("bnode", f"n{i}") for i in range(5)])
_iris = st.sampled_from([("iri", f"http://example.org/{x}") for x in "abc"])
_term = st.one_of(_bnodes, _iris, st.sampled_from([("literal", v, XSD_STRING, None)
                                                   for v in ("x", "y")]))
_quads = st.lists(st.tuples(st.one_of(_bnodes, _iris),
                            st.sampled_from([("iri", f"http://example.org/p{i}")
                                             for i in range(2)]),
                            _term, st.one_of(st.none(), _bnodes, _iris)),
                  min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(quads=_quads)
def test_generated_datasets_equal_rdf_canonize(reference, quads):
    nquads = "".join(rdfc._line(*row) for row in rdfc._serialize_terms(quads))
    assert rdfc.canonicalize_quads(quads) == reference.canonize(nquads)
