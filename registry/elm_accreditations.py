"""Each accreditation the registry holds, as an ELM 3.2 `Accreditation` in the Accreditation
Metadata Schema (AMS) profile: what the EU's Qualification Dataset Register takes.

Only accreditations that count go out: the snapshot's, i.e. signed by a trust anchor the
operator vouches for, not revoked (`registry.snapshot`). The body's name is the operator's
registration of it, as everywhere else; the anchor's own wording never names the body.

How s4c's accreditation maps onto the AMS shapes (AMS-constraints.ttl 1.1.0, and the
controlled vocabularies of AMS-constraints-mdr.ttl):
- `accreditingAgent`: the trust anchor (national qualification body), an Organisation;
- `organisation`: the accredited certification body, an Organisation;
- `limitEQFLevel`: every EQF level up to the accreditation's maximum (EQF scheme);
- `limitAbstractProgramme`: each role or unit in scope (the shape is closed and leaves
  `limitQualification` out, so the qualification is named by this concept instead);
- `limitJurisdiction`: the anchor's country (ATU authority table, ISO 3166-1 alpha-3);
- `dateIssued` (dc:issued): the decision date; `expiryDate`: the end of the period.
"""
import json
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from babel.core import get_global

from registry.snapshot import TrustAnchor, TrustSnapshot
from schemas.framework import Framework, load_reference_framework
from vc.trust import Accreditation, TrustedIssuer

if TYPE_CHECKING:
    from rdflib import Graph

EDC_AP_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
ELM = "http://data.europa.eu/snb/model/elm/"
# EU Vocabularies: accreditation types, "Programme licensing": a licence to run (here: to
# certify) named qualifications, which is what an anchor grants a certification body
PROGRAMME_LICENSING = "http://data.europa.eu/snb/accreditation/e57dddfcf3"
ACCREDITATION_TYPES = "http://data.europa.eu/snb/accreditation/25831c2"
EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
ATU_SCHEME = "http://publications.europa.eu/resource/authority/atu"
COUNTRY_SCHEME = "http://publications.europa.eu/resource/authority/country"
# historic ISO 3166 codes that CLDR still maps to a current alpha-2 code
_RETIRED_ALPHA3 = frozenset({"DDR", "FXX", "BUR", "ZAR", "TMP", "YMD"})


def alpha3(country: str) -> str:
    """ISO 3166-1 alpha-2 -> alpha-3 (the EU's country and ATU tables use alpha-3 codes)."""
    aliases = get_global("territory_aliases")
    for code, targets in aliases.items():
        if (len(code) == 3 and code.isalpha() and code not in _RETIRED_ALPHA3
                and targets == [country.upper()]):
            return code
    raise ValueError(f"{country!r} is not an ISO 3166-1 alpha-2 country code")


def _concept(uri: str, scheme: str, labels: dict[str, str] | None = None,
             notation: str | None = None) -> dict:
    node: dict = {"@id": uri, "@type": "Concept",
                  "inScheme": {"@id": scheme, "@type": "ConceptScheme"}}
    if labels:
        node["prefLabel"] = labels
    if notation is not None:
        node["notation"] = notation
    return node


def _organisation(did: str, names: dict[str, str], country: str) -> dict:
    """An ELM Organisation: its legal name (one per language), its DID as identifier and
    the country it is in (the AMS shapes require a location with an address)."""
    code = alpha3(country)
    return {
        "@id": did, "@type": "Organisation",
        "legalName": names or {"en": did},
        "identifier": {"@id": f"{did}#identifier", "@type": "Identifier", "notation": did},
        "location": {"@id": f"{did}#location", "@type": "Location", "address": {
            "@id": f"{did}#address", "@type": "Address",
            "countryCode": _concept(f"{COUNTRY_SCHEME}/{code}", COUNTRY_SCHEME,
                                    notation=code)}},
    }


def _instant(value: datetime) -> str:
    """xsd:dateTime in UTC (the edc-ap context types these terms)."""
    return value.isoformat().replace("+00:00", "Z")


def _programmes(accreditation: Accreditation, framework: Framework) -> list[dict]:
    """The roles and units in scope, named in every language the framework has; an
    accreditation for the whole framework lists its roles."""
    known = {r.id: (r.code, dict(r.name)) for r in framework.roles}
    known |= {u.id: (u.code, dict(u.name)) for u in framework.units}
    scope: Iterable[str] = accreditation.achievements or [r.id for r in framework.roles]
    found = []
    for achievement in scope:
        code, names = known.get(achievement, (achievement.rsplit("/", 1)[-1], {}))
        found.append(_concept(achievement, framework.id, names or {"en": code}, notation=code))
    return found


def elm_accreditation(accreditation: Accreditation, body: TrustedIssuer, anchor: TrustAnchor,
                      framework: Framework) -> dict:
    """One accreditation as an ELM Accreditation (JSON-LD with the edc-ap context)."""
    body_country = body.country or anchor.country
    jurisdiction = alpha3(anchor.country)
    body_names = body.name or accreditation.body_name
    title = {lang: f"{anchor_name} – {body_names.get(lang) or body_names.get('en') or body.did}"
             for lang, anchor_name in anchor.name.items()} or {"en": accreditation.id}
    document: dict = {
        "@context": EDC_AP_CONTEXT,
        "@id": accreditation.id,
        "@type": "Accreditation",
        "dcType": _concept(PROGRAMME_LICENSING, ACCREDITATION_TYPES,
                           {"en": "Programme licensing"}),
        "title": title,
        "accreditingAgent": _organisation(anchor.did, anchor.name, anchor.country),
        "organisation": _organisation(body.did, body_names, body_country),
        "limitEQFLevel": [_concept(f"http://data.europa.eu/snb/eqf/{level}", EQF_SCHEME,
                                   {"en": f"EQF level {level}"}, notation=str(level))
                          for level in range(1, accreditation.max_eqf_level + 1)],
        f"{ELM}limitAbstractProgramme": _programmes(accreditation, framework),
        "limitJurisdiction": _concept(f"{ATU_SCHEME}/{jurisdiction}", ATU_SCHEME,
                                      notation=jurisdiction),
        "dateIssued": _instant(accreditation.valid_from),
        # the AMS `valid` date: when the accreditation became valid (the same instant here)
        "valid": _instant(accreditation.valid_from),
    }
    if accreditation.valid_until is not None:
        document["expiryDate"] = _instant(accreditation.valid_until)
    return document


def elm_accreditations(snapshot: TrustSnapshot, framework: Framework | None = None
                       ) -> list[dict]:
    """Every accreditation that counts in `snapshot`, in the AMS profile, ordered by id."""
    framework = framework or load_reference_framework()
    found = []
    for body in snapshot.issuers.values():
        for accreditation in body.accreditations:
            anchor = snapshot.anchors.get(accreditation.anchor_did)
            if anchor is None or accreditation.revoked:
                continue
            found.append(elm_accreditation(accreditation, body, anchor, framework))
    return sorted(found, key=lambda d: d["@id"])


def file_name(accreditation_id: str) -> str:
    """A file name that names the accreditation and is safe on every file system."""
    return quote(accreditation_id.rsplit("/", 1)[-1].rsplit(":", 1)[-1], safe="-_.") + ".jsonld"


@lru_cache(maxsize=1)
def _ams_shapes() -> "Graph":
    # deferred on purpose: rdflib and the shapes load for the export only
    from rdflib import Graph

    from vc.elm.shacl import SHAPES_DIR, SHAPES_FILES

    graph = Graph()
    graph.parse(SHAPES_DIR / SHAPES_FILES["ams"], format="turtle")
    return graph


def ams_violations(document: dict) -> list[str]:
    """What keeps `document` from AMS-constraints.ttl (the pinned copy), as pyshacl says it;
    [] when it conforms. The AMS shapes are run as the EU wrote them, without the ELM class
    hierarchy: they name elm:Agent and elm:Organisation side by side (sh:or) where both are
    meant, and with rdfs:subClassOf every Organisation would also meet the closed AgentShape,
    which forbids the legalName the OrganisationShape requires."""
    # deferred on purpose: SHACL loads for the export only, not by every command
    import pyshacl  # SHACL is loaded for the export only, not by every command

    from vc.elm.contexts import elm_store
    from vc.elm.shacl import UNDEFINED_VOCAB, to_graph

    graph = to_graph(document, elm_store())
    undefined = sorted({f"undefined term {p}" for _s, p, _o in graph
                        if str(p).startswith(UNDEFINED_VOCAB)})
    conforms, _report, text = pyshacl.validate(graph, shacl_graph=_ams_shapes(),
                                               inference="none", do_owl_imports=False)
    return undefined + ([] if conforms else text.split("Constraint Violation")[1:])


def export_elm_accreditations(snapshot: TrustSnapshot, out_dir: Path) -> list[Path]:
    """Write one `<id>.jsonld` per accreditation into `out_dir` (created if missing); each is
    checked against the AMS shapes first, and none is written unless all conform."""
    documents = elm_accreditations(snapshot)
    for document in documents:
        found = ams_violations(document)
        if found:
            raise ValueError(f"accreditation {document['@id']} does not conform to the AMS "
                             f"shapes ({len(found)} violations): {found[0][:400]}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for document in documents:
        path = out_dir / file_name(document["@id"])
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
