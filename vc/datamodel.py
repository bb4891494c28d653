"""Structural validation of the W3C Verifiable Credentials Data Model 2.0 (Recommendation, 2025),
and of VC Data Model 1.1 (Recommendation, 2022) for credentials issued before 2.0.

A document is read under the version its first context names (VC DM 2.0 §4.3, VC DM 1.1
§4.1): `https://www.w3.org/ns/credentials/v2` or `https://www.w3.org/2018/credentials/v1`.
The two differ in their dates: 2.0 has the optional `validFrom`/`validUntil` (§4.9); 1.1 a
required `issuanceDate` (§4.6 Issuance Date) and an optional `expirationDate` (§4.8
Expiration). Only what the data model states as MUST is checked (SHOULDs are left to
policy). Whether every term is defined by the contexts is not checked here: that is the
JSON-LD safe-mode check in `vc._internal.jsonld_walk`, which `vc.api.issue` runs after this
one.
"""
import re
from fractions import Fraction
from typing import Any

from vc.codes import ErrorCode
from vc.errors import MalformedInputError
from vc.instants import date_time_seconds, instant_seconds

BASE_CONTEXT = "https://www.w3.org/ns/credentials/v2"
V1_BASE_CONTEXT = "https://www.w3.org/2018/credentials/v1"
BASE_CONTEXTS = {BASE_CONTEXT: "2.0", V1_BASE_CONTEXT: "1.1"}
MAX_RELATED_RESOURCES = 256
# SRI §3.5 hash-expression: hash-algo "-" base64-value, then any "?" options
_MULTIBASE = re.compile(r"\S{2,1024}")
_SRI = re.compile(r"(?:sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}(?:\?[!-~]*)?")
# §4.4: an identifier is a URL; here, anything with a scheme and no whitespace.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_LANGUAGE_VALUE_KEYS = frozenset({"@value", "@language", "@direction"})


class DataModelError(MalformedInputError):
    """A credential or presentation breaks the VC Data Model; `problems` lists every breach."""

    code = ErrorCode.DATA_MODEL

    def __init__(self, problems: list[str], version: str = "2.0") -> None:
        self.problems = list(problems)
        super().__init__(f"not a valid VC Data Model {version} document: "
                         + "; ".join(self.problems))


def data_model_version(document: object) -> str | None:
    """"2.0" or "1.1", from the document's first context; None when it names neither."""
    if not isinstance(document, dict):
        return None
    first = _values(document.get("@context"))[:1]
    return BASE_CONTEXTS.get(first[0]) if first and isinstance(first[0], str) else None


def validate(document: dict[str, Any]) -> None:
    """Raises DataModelError unless `document` is a valid credential or presentation."""
    if not isinstance(document, dict):
        raise DataModelError(["the document must be a JSON object"])
    if "VerifiablePresentation" in _values(document.get("type")):
        validate_presentation(document)
    else:
        validate_credential(document)


def validate_credential(credential: dict[str, Any]) -> None:
    problems = _credential_problems(credential, "")
    if problems:
        raise DataModelError(problems, data_model_version(credential) or "2.0")


def validate_presentation(presentation: dict[str, Any]) -> None:
    problems = _presentation_problems(presentation)
    if problems:
        raise DataModelError(problems, data_model_version(presentation) or "2.0")


def validate_related_resources(document: dict[str, Any]) -> None:
    """Only the §5.3 relatedResource rules: what a signer checks of any document it signs."""
    problems: list[str] = []
    _check_related_resources(document, "", problems)
    if problems:
        raise DataModelError(problems, data_model_version(document) or "2.0")


def _values(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null",
            bool: "a boolean"}.get(type(value), "a number")


def _is_url(value: object) -> bool:
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def _credential_problems(doc: object, where: str) -> list[str]:
    if not isinstance(doc, dict):
        return [f"{where or 'credential'}: must be an object, not {_kind(doc)}"]
    problems: list[str] = []
    version = _check_context(doc, where, problems)
    if "id" in doc:
        _check_id(doc["id"], _at(where, "id"), problems)
    _check_type(doc, where, "VerifiableCredential", problems)
    if version != "1.1":  # §4.6 Names and Descriptions are 2.0's (1.1 has none)
        _check_names(doc, where, problems)
    _check_issuer(doc, where, problems)
    _check_subjects(doc, where, problems)
    if version == "1.1":
        _check_v1_dates(doc, where, problems)
    _check_validity(doc, where, problems)
    _check_related_resources(doc, where, problems)
    # §4.10 Status, §4.11 Data Schemas, §5.4 Refreshing, §5.5 Terms of Use, §5.6 Evidence:
    # each object MUST say its type; an id, where present, follows §4.4.
    _check_typed_objects(doc, "credentialStatus", where, problems)
    _check_typed_objects(doc, "credentialSchema", where, problems, id_required=True)
    for key in ("refreshService", "termsOfUse", "evidence"):
        _check_typed_objects(doc, key, where, problems)
    _check_proofs(doc, where, problems)
    return problems


def _presentation_problems(doc: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    # §4.13 Verifiable Presentations: §4.3, §4.4 and §4.5 apply as for credentials.
    _check_context(doc, "", problems)
    if "id" in doc:
        _check_id(doc["id"], "id", problems)
    _check_type(doc, "", "VerifiablePresentation", problems)
    if "holder" in doc:  # §4.13: a URL or an object containing an id that is a URL
        _check_url_or_object_with_id(doc["holder"], "holder", problems)
    if "verifiableCredential" in doc:
        items = _values(doc["verifiableCredential"])
        if not items:
            problems.append("verifiableCredential: must hold at least one credential")
        for i, item in enumerate(items):
            _check_presented_credential(item, f"verifiableCredential[{i}]", problems)
    _check_proofs(doc, "", problems)
    return problems


def _check_presented_credential(item: object, where: str, problems: list[str]) -> None:
    # §4.13: credentials are objects, never strings, numbers or URLs.
    if not isinstance(item, dict):
        problems.append(f"{where}: must be a credential object or an enveloped credential, "
                        f"not {_kind(item)}")
        return
    types = _values(item.get("type"))
    enveloped_id = isinstance(item.get("id"), str) and item["id"].startswith("data:")
    if "EnvelopedVerifiableCredential" in types or ("type" not in item and enveloped_id):
        # §4.13.1 Enveloped Verifiable Credentials
        if "@context" not in item:
            problems.append(f"{where}.@context: missing")
        if not enveloped_id:
            problems.append(f"{where}.id: an enveloped credential's id must be a data: URL")
        if "EnvelopedVerifiableCredential" not in types:
            problems.append(f"{where}.type: missing; an enveloped credential's type must be "
                            "EnvelopedVerifiableCredential")
        return
    problems.extend(_credential_problems(item, where))


def _check_context(doc: dict[str, Any], where: str, problems: list[str]) -> str | None:
    # §4.3 Contexts (1.1: §4.1): an ordered set whose first item is the base context URL,
    # which says the version of the data model the document follows.
    path = _at(where, "@context")
    if "@context" not in doc:
        problems.append(f"{path}: missing; it must start with {BASE_CONTEXT}")
        return None
    items = _values(doc["@context"])
    version = BASE_CONTEXTS.get(items[0]) if items and isinstance(items[0], str) else None
    if version is None:
        problems.append(f"{path}: the first context must be {BASE_CONTEXT} (or "
                        f"{V1_BASE_CONTEXT} for a VC Data Model 1.1 document)")
    for i, item in enumerate(items[1:], start=1):
        if not isinstance(item, str | dict):
            problems.append(f"{path}[{i}]: must be a URL or a context object, not {_kind(item)}")
    return version


def _check_id(value: object, path: str, problems: list[str]) -> None:
    # §4.4 Identifiers: if present, a single URL.
    if isinstance(value, list):
        problems.append(f"{path}: must be a single URL, not a list")
    elif not _is_url(value):
        shown = repr(value) if isinstance(value, str) else _kind(value)
        problems.append(f"{path}: must be a URL (scheme:...), got {shown}")


def _check_type(doc: dict[str, Any], where: str, required: str | None, problems: list[str]) -> None:
    # §4.5 Types: present, one or more strings (terms or URLs), including `required`.
    path = _at(where, "type")
    need = f"must include {required}" if required else ""
    if not where and required == "VerifiableCredential":
        # a top-level document may have been meant as a presentation: say so
        need += " (or VerifiablePresentation for a presentation)"
    if "type" not in doc:
        problems.append(f"{path}: missing" + (f"; it {need}" if need else ""))
        return
    values = _values(doc["type"])
    if not values:
        problems.append(f"{path}: must not be empty" + (f"; it {need}" if need else ""))
    elif any(not isinstance(v, str) for v in values):
        problems.append(f"{path}: every type must be a string (a term or a URL)")
    elif required and required not in values:
        problems.append(f"{path}: {need}")


def _check_names(doc: dict[str, Any], where: str, problems: list[str]) -> None:
    # §4.6 Names and Descriptions: a string or a language value object (§11.1), or a list.
    for key in ("name", "description"):
        if key not in doc:
            continue
        path = _at(where, key)
        items = _values(doc[key])
        if not items:
            problems.append(f"{path}: must not be empty")
        for item in items:
            problem = _language_string_problem(item)
            if problem:
                problems.append(f"{path}: {problem}")


def _language_string_problem(value: object) -> str | None:
    if isinstance(value, str):
        return None
    if not isinstance(value, dict):
        return f"must be a string or a language value object, not {_kind(value)}"
    extra = sorted(set(value) - _LANGUAGE_VALUE_KEYS)
    if extra:
        return ("a language value object may only hold @value, @language and @direction, "
                f"not {', '.join(extra)}")
    if not isinstance(value.get("@value"), str):
        return "a language value object needs a string @value"
    if "@language" in value and not isinstance(value["@language"], str):
        return "@language must be a string (a BCP47 language tag)"
    if "@direction" in value and value["@direction"] not in ("ltr", "rtl"):
        return "@direction must be 'ltr' or 'rtl'"
    return None


def _check_issuer(doc: dict[str, Any], where: str, problems: list[str]) -> None:
    # §4.7 Issuer: required; a URL or an object containing an id that is a URL.
    path = _at(where, "issuer")
    if "issuer" not in doc:
        problems.append(f"{path}: missing; a credential must name its issuer")
        return
    issuer = doc["issuer"]
    _check_url_or_object_with_id(issuer, path, problems)
    if isinstance(issuer, dict):
        _check_names(issuer, path, problems)


def _check_url_or_object_with_id(value: object, path: str, problems: list[str]) -> None:
    if isinstance(value, dict):
        if "id" not in value:
            problems.append(f"{path}.id: missing; the object must have an id that is a URL")
        else:
            _check_id(value["id"], f"{path}.id", problems)
    elif not _is_url(value):
        shown = repr(value) if isinstance(value, str) else _kind(value)
        problems.append(f"{path}: must be a URL or an object with an id URL, got {shown}")


def _check_subjects(doc: dict[str, Any], where: str, problems: list[str]) -> None:
    # §4.8 Credential Subject: one or more objects, each the subject of at least one claim.
    path = _at(where, "credentialSubject")
    if "credentialSubject" not in doc:
        problems.append(f"{path}: missing; a credential must make claims about a subject")
        return
    subjects = _values(doc["credentialSubject"])
    if not subjects:
        problems.append(f"{path}: must hold at least one subject")
    for i, subject in enumerate(subjects):
        at = path if len(subjects) == 1 and not isinstance(doc["credentialSubject"], list) \
            else f"{path}[{i}]"
        if not isinstance(subject, dict):
            problems.append(f"{at}: must be an object, not {_kind(subject)}")
        elif not subject:
            problems.append(f"{at}: must hold at least one claim (or an id)")
        elif "id" in subject:
            _check_id(subject["id"], f"{at}.id", problems)


def _check_validity(doc: dict[str, Any], where: str, problems: list[str]) -> None:
    # §4.9 Validity Period: dateTimeStamps; validUntil not earlier than validFrom.
    instants: dict[str, Fraction] = {}
    for key in ("validFrom", "validUntil"):
        if key not in doc:
            continue
        value = doc[key]
        instant = instant_seconds(value) if isinstance(value, str) else None
        if instant is None:
            shown = repr(value) if isinstance(value, str) else _kind(value)
            problems.append(f"{_at(where, key)}: must be an XML Schema dateTimeStamp with a "
                            f"time zone, e.g. 2025-01-31T09:00:00Z; got {shown}")
        else:
            instants[key] = instant
    if len(instants) == 2 and instants["validUntil"] < instants["validFrom"]:
        problems.append(f"{_at(where, 'validUntil')}: is earlier than validFrom")


def _check_v1_dates(doc: dict[str, Any], where: str, problems: list[str]) -> None:
    # VC DM 1.1 §4.6 Issuance Date: required; §4.8 Expiration: optional. Both are XML Schema
    # 1.1 dateTime values, whose time zone is optional (read as UTC by `vc.instants`).
    for key, required in (("issuanceDate", True), ("expirationDate", False)):
        if key not in doc:
            if required:
                problems.append(f"{_at(where, key)}: missing; a VC Data Model 1.1 credential "
                                "must say when it was issued")
            continue
        value = doc[key]
        if not isinstance(value, str) or date_time_seconds(value) is None:
            shown = repr(value) if isinstance(value, str) else _kind(value)
            problems.append(f"{_at(where, key)}: must be an XML Schema dateTime, e.g. "
                            f"2025-01-31T09:00:00Z; got {shown}")


def _check_related_resources(doc: dict[str, Any], where: str, problems: list[str]) -> None:
    # §5.3 Integrity of Related Resources: one or more objects, each with an id (§4.4) unique
    # in the list and at least a digestSRI (SRI §3.5 hash-expression) or a digestMultibase.
    if "relatedResource" not in doc:
        return
    path = _at(where, "relatedResource")
    items = _values(doc["relatedResource"])
    if not items:
        problems.append(f"{path}: must hold at least one object")
    if len(items) > MAX_RELATED_RESOURCES:
        problems.append(f"{path}: holds more than {MAX_RELATED_RESOURCES} resources")
        return
    seen: set[str] = set()
    for i, item in enumerate(items):
        if _plain_related_resource(item, seen):  # the common case, without building messages
            continue
        at = f"{path}[{i}]" if isinstance(doc["relatedResource"], list) else path
        if not isinstance(item, dict):
            problems.append(f"{at}: must be an object with an id and a digest, not "
                            f"{_kind(item)}")
            continue
        if "id" not in item:
            problems.append(f"{at}.id: missing; a related resource must say what it is")
        else:
            _check_id(item["id"], f"{at}.id", problems)
            if isinstance(item["id"], str):
                if item["id"] in seen:
                    problems.append(f"{at}.id: {item['id'][:200]} is listed more than once; "
                                    "each related resource must be listed once")
                seen.add(item["id"])
        if "digestSRI" not in item and "digestMultibase" not in item:
            problems.append(f"{at}: has no digestSRI or digestMultibase; a related resource "
                            "must carry the digest it is checked against")
        for key, valid in (("digestSRI", _is_sri), ("digestMultibase", _is_multibase)):
            if key in item:
                digests = _values(item[key])
                if not digests or not all(valid(d) for d in digests):
                    what = ("an SRI hash expression such as sha384-<base64>" if key == "digestSRI"
                            else "a multibase-encoded multihash such as u<base64url>")
                    problems.append(f"{at}.{key}: must be {what}, or a list of them")


def _plain_related_resource(item: object, seen: set[str]) -> bool:
    """A well-formed entry with one digestMultibase (what s4c issues); adds its id to `seen`."""
    if not isinstance(item, dict) or "digestSRI" in item:
        return False
    rid, digest = item.get("id"), item.get("digestMultibase")
    if not (isinstance(rid, str) and rid not in seen and _URL.fullmatch(rid)
            and isinstance(digest, str) and _MULTIBASE.fullmatch(digest)):
        return False
    seen.add(rid)
    return True


def _is_sri(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 1024 and _SRI.fullmatch(value) is not None


def _is_multibase(value: object) -> bool:
    # VC DI 1.0 §2.6: a Multibase value (a one-character base prefix, then the encoding)
    return isinstance(value, str) and _MULTIBASE.fullmatch(value) is not None


def _check_typed_objects(doc: dict[str, Any], key: str, where: str, problems: list[str], *,
                         id_required: bool = False) -> None:
    if key not in doc:
        return
    path = _at(where, key)
    items = _values(doc[key])
    if not items:
        problems.append(f"{path}: must hold at least one object")
    for i, item in enumerate(items):
        at = f"{path}[{i}]" if isinstance(doc[key], list) else path
        if not isinstance(item, dict):
            problems.append(f"{at}: must be an object, not {_kind(item)}")
            continue
        _check_type(item, at, None, problems)
        if "id" in item:
            _check_id(item["id"], f"{at}.id", problems)
        elif id_required:
            problems.append(f"{at}.id: missing; it must be a URL")


def _check_proofs(doc: dict[str, Any], where: str, problems: list[str]) -> None:
    # §4.12 Securing Mechanisms (VC Data Integrity 1.0 §2.1): every embedded proof has a type.
    if "proof" not in doc:
        return
    path = _at(where, "proof")
    for i, proof in enumerate(_values(doc["proof"])):
        at = f"{path}[{i}]" if isinstance(doc["proof"], list) else path
        if not isinstance(proof, dict):
            problems.append(f"{at}: must be an object, not {_kind(proof)}")
        else:
            _check_type(proof, at, None, problems)
