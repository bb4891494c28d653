"""The signed trust list: one S4CTrustListCredential by the registry operator.

Its subject lists the operator's status list, every trust anchor, every accredited body
(name, public keys, accreditations with scope and status) and every recognition decision.
Each entry carries the signed credential it summarises (`credential`, a JSON literal) and
each authority its signed status list (`statusList`), so a verifier holding only this file
re-checks every anchor's signature offline and reaches the same answers as the database.
`validFrom` is the issue time and `validUntil` the next update: a consumer refuses the
list after it. The proof is `eddsa-jcs-2022`: it signs the exact JSON (VC DI EdDSA §3.3),
so no value, order or array can change unnoticed.

Format 2 declares `credentialSchema` `TRUST_LIST_SCHEMA_ID` and uses only
terms format 1 already had, so a format-1 reader still reads it. In format 2 a body's
`name` and `country` are the operator's registration of the body (`registry.body_names`),
and each accreditation entry's `name` is that anchor's wording, beside it only. In format 1
the body's `name` was whatever anchor accredited it last: a reader of a format-1 list takes
no name for any body from it.
"""
from datetime import datetime, timedelta
from typing import Any

from registry.authority import Authority
from registry.body_names import RegisteredBody
from registry.credentials import issuer_of, new_credential_id, read_accreditation, types_of
from registry.snapshot import SignatureChecker, TrustData, TrustSnapshot
from registry.vocab import CONTEXTS, COUNTRY, TRUST_LIST_CREDENTIAL
from schemas.json_schemas import TRUST_LIST_SCHEMA_ID
from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.api import issue
from vc.contexts import ContextStore, shared_store
from vc.instants import format_instant, read_instant
from vc.language_maps import language_map, language_values
from vc.trust import TrustSourceUnavailable

TRUST_LIST_TTL = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=1)  # a verifier's clock slightly behind the registry's
SUITE = "eddsa-jcs-2022"
MAX_ENTRIES = 10_000


def _json(value: dict) -> dict:
    """A JSON literal (JSON-LD 1.1 §4.2.2): signed as it is, not interpreted as RDF."""
    return {"@value": value, "@type": "@json"}


def _period(node: dict[str, Any], start: datetime, end: datetime | None) -> dict[str, Any]:
    node["validFrom"] = format_instant(start)
    if end is not None:
        node["validUntil"] = format_instant(end)
    return node


def unsigned_trust_list(data: TrustData, snapshot: TrustSnapshot, *, list_url: str,
                        sequence: int, issued: datetime,
                        ttl: timedelta = TRUST_LIST_TTL) -> dict[str, Any]:
    """The trust list of `data` (raw credentials) and `snapshot` (what they mean)."""
    operator_list = next((v for v in data.status_lists.values()
                          if issuer_of(v) == data.operator_did), None)
    operator: dict[str, Any] = {"id": data.operator_did, "type": "S4CRegistryOperator"}
    if operator_list is not None:
        operator["statusList"] = _json(operator_list)
    anchors = []
    by_id = {c.get("id"): c for c in data.anchor_credentials}
    for anchor in sorted(snapshot.anchors.values(), key=lambda a: (a.country, a.did)):
        node: dict[str, Any] = {"id": anchor.did, "type": "S4CTrustAnchor",
                                "name": language_values(anchor.name), "country": anchor.country}
        if anchor.demo:
            node["demo"] = True
        _period(node, anchor.valid_from, anchor.valid_until)
        node["credential"] = _json(by_id[anchor.credential_id])
        own_list = next((v for v in data.status_lists.values() if issuer_of(v) == anchor.did),
                        None)
        if own_list is not None:
            node["statusList"] = _json(own_list)
        anchors.append(node)
    accreditations = {c.get("id"): c for c in data.accreditation_credentials}
    issuers = []
    for issuer in snapshot.issuers.values():
        entries = []
        for a in issuer.accreditations:
            entry: dict[str, Any] = {
                "id": a.id, "type": "S4CAccreditation", "trustAnchor": a.anchor_did,
                "country": a.country, "framework": a.framework,
                "achievement": list(a.achievements), "maxEqfLevel": a.max_eqf_level}
            _period(entry, a.valid_from, a.valid_until)
            entry["revoked"] = a.revoked
            if a.body_name:  # the anchor's wording, attributed by trustAnchor
                entry["name"] = language_values(a.body_name)
            entry["credential"] = _json(accreditations[a.id])
            entries.append(entry)
        node = {"id": issuer.did, "type": "S4CAccreditedBody"}
        if issuer.name:  # the operator's registration: the body's only accountable name
            node["name"] = language_values(issuer.name)
        if issuer.country:
            node["country"] = issuer.country
        node["publicKey"] = [{"id": vm, "publicKeyMultibase": mb}
                             for vm, mb in sorted(issuer.public_keys.items())]
        node["accreditation"] = entries
        issuers.append(node)
    recognitions_by_id = {c.get("id"): c for c in data.recognition_credentials}
    recognitions = []
    for r in snapshot.recognitions:
        node = {"id": r.id, "type": "S4CRecognitionDecision", "trustAnchor": r.anchor_did,
                "country": r.country, "framework": r.framework, "achievement": r.achievement,
                "nqfLevel": r.nqf_level, "eqfLevel": r.eqf_level,
                "equivalence": language_values(r.equivalence), "legalBasis": r.legal_basis}
        _period(node, r.valid_from, r.valid_until)
        node["credential"] = _json(recognitions_by_id[r.id])
        recognitions.append(node)
    return {
        "@context": list(CONTEXTS),
        "id": new_credential_id(),
        "type": ["VerifiableCredential", TRUST_LIST_CREDENTIAL],
        "issuer": data.operator_did,
        "validFrom": format_instant(issued),
        "validUntil": format_instant(issued + ttl),
        "credentialSchema": {"id": TRUST_LIST_SCHEMA_ID, "type": "JsonSchema"},
        "credentialSubject": {
            "id": list_url, "type": "S4CTrustList", "sequence": sequence,
            "registryOperator": operator, "trustAnchor": anchors,
            "accreditedIssuer": issuers, "recognition": recognitions,
        },
    }


def sign_trust_list(document: dict, operator: Authority,
                    store: ContextStore | None = None) -> dict:
    return issue(document, operator.key, suite=SUITE,
                 verification_method=operator.verification_method,
                 store=store or shared_store(CONTEXTS_DIR))


def _literal(node: object, key: str) -> dict | None:
    value = node.get(key) if isinstance(node, dict) else None
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("@type") != "@json" \
            or not isinstance(value.get("@value"), dict):
        raise ValueError(f"{key} must be a JSON literal holding a credential")
    return value["@value"]


def _nodes(subject: dict, key: str) -> list:
    value = subject.get(key, [])
    value = value if isinstance(value, list) else [value]
    if len(value) > MAX_ENTRIES:
        raise ValueError(f"{key} lists more than {MAX_ENTRIES} entries")
    return value


def read_trust_list(document: object, operator_did: str, at: datetime,
                    checker: SignatureChecker | None = None,
                    store: ContextStore | None = None) -> tuple[TrustData, datetime]:
    """Verifies the list (operator signature, validity at `at`) and returns what it carries
    and when it expires. Raises TrustSourceUnavailable with the reason otherwise."""
    if not isinstance(document, dict) or TRUST_LIST_CREDENTIAL not in types_of(document):
        raise TrustSourceUnavailable(f"not an {TRUST_LIST_CREDENTIAL}")
    checker = checker or SignatureChecker(store)
    problem = checker.problem(document, operator_did)
    if problem:
        raise TrustSourceUnavailable(f"the trust list is not signed by the registry operator "
                                     f"{operator_did}: {problem}")
    try:
        valid_from = read_instant(document.get("validFrom"), "validFrom")
        valid_until = read_instant(document.get("validUntil"), "validUntil")
    except ValueError as e:
        raise TrustSourceUnavailable(f"the trust list has no usable period: {e}") from None
    if at + CLOCK_SKEW < valid_from:
        raise TrustSourceUnavailable(
            f"the trust list is not valid before {format_instant(valid_from)}")
    if at > valid_until:
        raise TrustSourceUnavailable(
            f"the trust list expired at {format_instant(valid_until)} (its nextUpdate); "
            "fetch a fresh one")
    try:
        return _carried(document, operator_did), valid_until
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise TrustSourceUnavailable(f"the trust list is malformed: {e}") from None


def _carried(document: dict, operator_did: str) -> TrustData:
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise TypeError("credentialSubject must be one object")
    lists: list[dict] = []
    operator_list = _literal(subject.get("registryOperator"), "statusList")
    if operator_list is not None:
        lists.append(operator_list)
    anchors = []
    for node in _nodes(subject, "trustAnchor"):
        anchors.append(_literal(node, "credential"))
        own = _literal(node, "statusList")
        if own is not None:
            lists.append(own)
    accreditations, keys, registered = [], {}, {}
    names_accountable = format_version(document) >= 2
    for node in _nodes(subject, "accreditedIssuer"):
        did = node["id"]
        if did in keys:
            raise ValueError(f"{did} is listed twice")
        keys[did] = {k["id"]: k["publicKeyMultibase"] for k in _nodes(node, "publicKey")}
        if names_accountable:
            registered[did] = _registration(node)
        for entry in _nodes(node, "accreditation"):
            credential = _literal(entry, "credential")
            if credential is None:
                raise ValueError("an entry lacks its signed credential")
            if read_accreditation(credential).issuer_did != did:
                raise ValueError(f"an accreditation listed under {did} is for another body")
            accreditations.append(credential)
    recognitions = [_literal(n, "credential") for n in _nodes(subject, "recognition")]
    signed_anchors = tuple(c for c in anchors if c is not None)
    signed_recognitions = tuple(c for c in recognitions if c is not None)
    if len(signed_anchors) < len(anchors) or len(signed_recognitions) < len(recognitions):
        raise ValueError("an entry lacks its signed credential")
    return TrustData(
        operator_did=operator_did, anchor_credentials=signed_anchors,
        accreditation_credentials=tuple(accreditations),
        recognition_credentials=signed_recognitions,
        status_lists={str(v.get("id")): v for v in lists},
        issuer_keys={did: k for did, k in keys.items() if not did.startswith("did:key:")},
        registered_bodies={did: r for did, r in registered.items() if r is not None})


def format_version(document: dict) -> int:
    """2 when the list declares the format-2 schema, else 1 (lists signed before it)."""
    schemas = document.get("credentialSchema", [])
    for schema in schemas if isinstance(schemas, list) else [schemas]:
        if isinstance(schema, dict) and schema.get("id") == TRUST_LIST_SCHEMA_ID:
            return 2
    return 1


def _registration(node: dict) -> RegisteredBody | None:
    """The operator's registration of a body, as a format-2 list carries it."""
    name, country = language_map(node.get("name")), node.get("country")
    if country is not None and (not isinstance(country, str) or not COUNTRY.fullmatch(country)):
        raise ValueError(f"the country of {node['id']} is not an ISO 3166-1 alpha-2 code")
    return RegisteredBody(name, country) if name or country else None

