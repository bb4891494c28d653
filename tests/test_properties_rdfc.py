"""The RDFC-1.0 transformation (`vc._internal.rdfc.canonicalize`: the strict JSON-LD walk to
RDF, then canonical N-Quads) on generated credentials within the accepted contexts, against
pyld (JSON-LD to RDF, and URDNA2015) and pyoxigraph (RDFC-1.0), two implementations that share
no code with ours.

Their known differences decide which comparison applies (see tests/test_rdfc.py):
- pyoxigraph 0.5 labels some blank nodes that only §4.8 (Hash N-Degree Quads) tells apart
  otherwise than the spec: its labels are compared when §4.6 first-degree hashes suffice;
  otherwise it canonicalizes both datasets, which then must be the same up to labels.
- pyld writes control characters raw instead of as canonical N-Quads escapes: its output is
  compared when the strings hold none (tab, line feed and carriage return aside).
"""
import re

import pyoxigraph as ox
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from vc_calls import STORE

from vc._internal.rdfc import canonicalize

V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CACHE = STORE.cache()
N_QUADS = ox.RdfFormat.N_QUADS
# escaped as \uXXXX, \b or \f in canonical N-Quads (RDF 1.1 N-Quads §4; RDFC-1.0 §3.4)
_ESCAPED_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

IRIS = st.one_of(
    st.from_regex(r"did:example:[a-z0-9]{1,10}", fullmatch=True),
    st.uuids().map(lambda u: f"urn:uuid:{u}"),
    st.from_regex(r"https://[a-z]{1,8}\.example(/[a-z0-9]{1,6}){0,3}", fullmatch=True),
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=15)
LANGUAGE_VALUES = st.lists(st.builds(
    lambda value, lang: {"@value": value, "@language": lang},
    TEXT, st.sampled_from(["en", "de", "bg", "el", "es", "ro", "en-GB", "zh-Hant-TW"])),
    min_size=1, max_size=3)
TEXTS = TEXT | LANGUAGE_VALUES  # a name or description, plain or in several languages
NUMBERS = (st.integers(-(2**53 - 1), 2**53 - 1)
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.sampled_from([0, -0.0, 1e21, 1e-7, 5e-324, 123456789.125, 2.5e300]))
DATES = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))

ALIGNMENT = st.fixed_dictionaries(
    {"type": st.just(["Alignment"]), "targetName": TEXT, "targetUrl": IRIS},
    optional={"targetFramework": TEXT, "targetCode": TEXT,
              "targetType": st.sampled_from(["ceterms:Skill", "ceterms:Occupation"])})
ACHIEVEMENT = st.fixed_dictionaries(
    {"type": st.just(["Achievement"]), "name": TEXTS,
     "criteria": st.fixed_dictionaries({}, optional={"id": IRIS, "narrative": TEXT})},
    optional={"id": IRIS, "description": TEXTS, "humanCode": TEXT,
              "achievementType": st.sampled_from(["Certification", "Competency"]),
              "creditsAvailable": NUMBERS, "alignment": st.lists(ALIGNMENT, max_size=3)})
SUBJECT = st.fixed_dictionaries(
    {"type": st.just(["AchievementSubject"]), "achievement": ACHIEVEMENT},
    optional={"id": IRIS, "creditsEarned": NUMBERS,
              "result": st.lists(st.fixed_dictionaries(
                  {"type": st.just(["Result"])},
                  optional={"value": TEXT, "status": st.sampled_from(["Completed", "Enrolled"])}),
                  max_size=2)})
EVIDENCE = st.fixed_dictionaries({"type": st.just(["Evidence"])},
                                 optional={"id": IRIS, "name": TEXT, "narrative": TEXT})
PROFILE = st.fixed_dictionaries({"id": IRIS, "type": st.just(["Profile"])},
                                optional={"name": TEXTS})


def _described_once(document: dict) -> dict:
    """Every node id made unique (s4c refuses a node described in two places)."""
    seen: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if "id" in value:
                while value["id"] in seen:
                    value["id"] += "-1"
                seen.add(value["id"])
            for key, item in value.items():
                if key != "id":
                    walk(item)

    walk(document)
    return document


# several subjects or pieces of evidence may come out alike: blank nodes only §4.8 tells apart
CREDENTIALS = st.fixed_dictionaries(
    {"@context": st.just([V2, OB3]), "type": st.just(["VerifiableCredential",
                                                      "OpenBadgeCredential"]),
     "issuer": IRIS | PROFILE,
     "credentialSubject": SUBJECT | st.lists(SUBJECT, min_size=2, max_size=3)},
    optional={"id": IRIS, "name": TEXTS, "description": TEXTS, "validFrom": DATES,
              "validUntil": DATES, "evidence": st.lists(EVIDENCE, min_size=1, max_size=3)},
).map(_described_once)


def _pyld_dataset(document: dict) -> str:
    return pyld.to_rdf(document, {"format": "application/n-quads",
                                  "documentLoader": STORE.document_loader})


def _pyld_canonical(document: dict) -> str:
    return pyld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                     "documentLoader": STORE.document_loader})


def _oxigraph_canonical(nquads: str) -> str:
    dataset = ox.Dataset(ox.parse(nquads, format=N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = ox.serialize(dataset, format=N_QUADS).decode("utf-8").split("\n")
    return "".join(sorted(f"{line}\n" for line in lines if line))  # not splitlines: U+0085


def _first_degree_suffices(nquads: str) -> bool:
    """RDFC-1.0 §4.6: every blank node's quads, itself written _:a and any other blank node
    _:z, differ from every other blank node's; then no §4.8 step is needed."""
    quads = list(ox.parse(nquads, format=N_QUADS))
    nodes = {t for q in quads for t in (q.subject, q.object, q.graph_name)
             if isinstance(t, ox.BlankNode)}

    def written(term: object, node: ox.BlankNode) -> str:
        if isinstance(term, ox.BlankNode):
            return "_:a" if term == node else "_:z"
        return str(term)

    hashes = {tuple(sorted(" ".join(written(t, node) for t in (q.subject, q.predicate,
                                                                 q.object, q.graph_name))
                           for q in quads if node in (q.subject, q.object, q.graph_name)))
              for node in nodes}
    return len(hashes) == len(nodes)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CREDENTIALS)
def test_canonical_n_quads_equal_pyld_and_pyoxigraph(credential):
    ours = canonicalize(credential, CACHE)
    dataset = _pyld_dataset(credential)  # pyld's own JSON-LD to RDF
    # the same dataset as pyld's, up to blank node labels (pyoxigraph canonicalizes both)
    assert _oxigraph_canonical(ours) == _oxigraph_canonical(dataset)
    if _first_degree_suffices(dataset):
        event("labels compared with pyoxigraph's")
        assert ours == _oxigraph_canonical(dataset)
    else:
        event("blank nodes told apart only by §4.8")
    if not _ESCAPED_CONTROLS.search(dataset):
        event("compared with pyld's URDNA2015")
        assert ours == _pyld_canonical(credential)
