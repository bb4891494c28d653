"""RDFC-1.0: the Python first-degree path equals the complete algorithm (pyoxigraph) and pyld."""
from pyld import jsonld as pyld

from vc import rdfc
from vc.jsonld import default_cache, to_rdf
from web.bench import sample_role_credential

V2 = "https://www.w3.org/ns/credentials/v2"


def _pyld(doc) -> str:
    return pyld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                "documentLoader": default_cache().store.document_loader})


def test_first_degree_path_equals_the_complete_algorithm_on_credentials():
    for i in range(20):
        quads = to_rdf(sample_role_credential(i, "did:web:certify.example.eu"))
        assert rdfc.canonicalize_quads(quads) == rdfc._canonicalize_in_rust(quads)


def test_blank_nodes_with_equal_first_degree_hashes_take_the_complete_algorithm():
    # two indistinguishable subjects: §4.8 Hash N-Degree Quads decides their labels
    doc = {"@context": [V2], "type": ["VerifiableCredential"], "issuer": "did:example:i",
           "credentialSubject": [{"name": "same"}, {"name": "same"}, {"name": "other"}]}
    quads = to_rdf(doc)
    ours = rdfc.canonicalize_quads(quads)
    assert ours == rdfc._canonicalize_in_rust(quads) == _pyld(doc)
    assert "_:c14n2" in ours


def test_control_characters_are_escaped_as_rdf_1_2_canonical_n_quads():
    text = 'a\tb\x01\x08\x0c\x7f"\\\n\r é'
    quads = [(("iri", "did:example:s"), ("iri", "https://schema.org/name"),
              ("literal", text, "http://www.w3.org/2001/XMLSchema#string", None), None)]
    ours = rdfc.canonicalize_quads(quads)
    assert ours == rdfc._canonicalize_in_rust(quads)
    assert ours == ('<did:example:s> <https://schema.org/name> '
                    '"a\\tb\\u0001\\b\\f\\u007F\\"\\\\\\n\\r é" .\n')


def test_duplicate_quads_count_once():
    q = (("iri", "did:example:s"), ("iri", "https://schema.org/name"),
         ("literal", "x", "http://www.w3.org/2001/XMLSchema#string", None), None)
    assert rdfc.canonicalize_quads([q, q]).count("\n") == 1
