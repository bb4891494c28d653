"""VC Data Model 2.0: the W3C test-suite inputs through `vc.api.issue`, and edge cases of `validate`.

A name ending `-ok.json` must be issued (and the result verify), `-fail.json` and
`-fail-or-inject.json` rejected (s4c never injects a context) with a message naming the
problem. Each input is sent as the W3C suite sends it to an issuer: the issuer's own id filled
in where the input leaves it out, and the PAST/FUTURE DATE placeholders replaced.
"""
import copy
import functools
import json
from pathlib import Path

import pytest
import vc_calls
from w3c_vectors import vector_cases, vectors_dir

from vc.checks import Outcome
from vc.contexts import ContextStore
from vc.datamodel import DataModelError, validate
from vc.errors import (
    ContextError,
    NotCompactError,
    ProtectedTermError,
    UndefinedTermError,
    VCError,
)
from vc.multikey import Ed25519Multikey

INPUTS = "vc-dm2-inputs"
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
KEY = Ed25519Multikey.generate()
ISSUER = "did:key:" + KEY.public_key_multibase
VERIFICATION_METHOD = ISSUER + "#" + KEY.public_key_multibase
# the W3C suite's placeholders (tests/assertions.js, testTemporality): a year either side
DATE_PLACEHOLDERS = {"PAST DATE": "2024-06-01T00:00:00Z", "FUTURE DATE": "2026-06-01T00:00:00Z"}

# Why each -fail input is rejected: the error class and a fragment its message must contain,
# so an input rejected for another reason (e.g. a missing issuer) does not pass unnoticed.
FAIL_EXPECTATIONS: dict[str, tuple[type[VCError], str]] = {
    "credential-context-combo3-fail.json": (ContextError, "unknown JSON-LD context"),
    "credential-context-combo4-fail.json":
        (DataModelError, "@context[1]: must be a URL or a context object"),
    "credential-evidence-missing-type-fail.json": (DataModelError, "evidence.type: missing"),
    "credential-id-multi-fail.json": (DataModelError, "id: must be a single URL"),
    "credential-id-nonidentifier-fail.json": (DataModelError, "id: must be a URL"),
    "credential-id-not-url-fail.json": (DataModelError, "id: must be a URL"),
    "credential-id-subject-multi-fail.json":
        (DataModelError, "credentialSubject.id: must be a single URL"),
    "credential-issuer-no-url-fail.json": (DataModelError, "issuer: must be a URL"),
    "credential-issuer-null-fail.json": (DataModelError, "issuer: must be a URL"),
    "credential-issuer-object-id-no-url-fail.json": (DataModelError, "issuer.id: must be a URL"),
    "credential-issuer-object-id-null-fail.json": (DataModelError, "issuer.id: must be a URL"),
    "credential-missing-base-context-fail-or-inject.json":
        (DataModelError, "@context: the first context must be"),
    "credential-missing-required-type-fail.json":
        (DataModelError, "type: must include VerifiableCredential"),
    "credential-no-context-fail-or-inject.json": (DataModelError, "@context: missing"),
    # the harness fills in the issuer, as the W3C suite does: what is left is the empty subject
    "credential-no-issuer-fail.json":
        (DataModelError, "credentialSubject: must hold at least one claim"),
    "credential-no-subject-fail.json": (DataModelError, "credentialSubject: missing"),
    "credential-no-type-fail.json": (DataModelError, "type: missing"),
    "credential-proof-missing-type-fail.json": (DataModelError, "proof.type: missing"),
    "credential-redef-type-fail.json": (ProtectedTermError, "protected term"),
    "credential-redef-type2-fail.json": (ProtectedTermError, "protected term"),
    "credential-refresh-no-type-fail.json": (DataModelError, "refreshService.type: missing"),
    "credential-schema-no-id-fail.json": (DataModelError, "credentialSchema.id: missing"),
    "credential-schema-no-type-fail.json": (DataModelError, "credentialSchema.type: missing"),
    "credential-schema-non-url-id-fail.json":
        (DataModelError, "credentialSchema.id: must be a URL"),
    "credential-status-missing-type-fail.json": (DataModelError, "credentialStatus.type: missing"),
    "credential-status-multiple-id-fail.json":
        (DataModelError, "credentialStatus.id: must be a single URL"),
    "credential-status-nonurl-id-fail.json": (DataModelError, "credentialStatus.id: must be a URL"),
    "credential-status-type-nonurl-fail.json":
        (DataModelError, "credentialStatus.type: every type must be a string"),
    "credential-subject-multiple-empty-fail.json":
        (DataModelError, "credentialSubject[1]: must hold at least one claim"),
    "credential-subject-no-claims-fail.json":
        (DataModelError, "credentialSubject: must hold at least one claim"),
    "credential-termsofuse-missing-type-fail.json": (DataModelError, "termsOfUse.type: missing"),
    "credential-termsofuse-no-type-fail.json": (DataModelError, "termsOfUse.type: missing"),
    "credential-type-mapped-nonurl-fail.json": (ContextError, "invalid IRI mapping"),
    # {"@vocab": null} leaves ExampleTestCredential undefined: the safe-mode term check's case
    "credential-type-unmapped-fail.json": (UndefinedTermError, "ExampleTestCredential"),
    "credential-validUntil-validFrom-fail.json":
        (DataModelError, "validUntil: is earlier than validFrom"),
    "credential-validfrom-invalid-fail.json":
        (DataModelError, "validFrom: must be an XML Schema dateTimeStamp"),
    "credential-validuntil-invalid-fail.json":
        (DataModelError, "validUntil: must be an XML Schema dateTimeStamp"),
    "presentation-context-order-fail.json": (DataModelError, "@context: the first context must be"),
    "presentation-enveloped-vc-missing-type-fail.json":
        (DataModelError, "verifiableCredential[0].type: missing"),
    "presentation-holder-fail.json": (DataModelError, "holder: must be a URL"),
    "presentation-holder-name-fail.json": (DataModelError, "holder.id: missing"),
    "presentation-holder-object-fail.json": (DataModelError, "holder.id: must be a URL"),
    "presentation-missing-base-context-fail.json":
        (DataModelError, "@context: the first context must be"),
    "presentation-missing-required-type-fail.json": (DataModelError, "or VerifiablePresentation"),
    "presentation-no-context-fail-or-inject.json": (DataModelError, "@context: missing"),
    "presentation-no-type-fail.json": (DataModelError, "type: missing"),
    "presentation-vc-as-string-fail.json":
        (DataModelError, "verifiableCredential[0]: must be a credential object"),
    "presentation-vc-missing-required-type-fail.json":
        (DataModelError, "verifiableCredential[0].type: must not be empty"),
    "names-and-descriptions/credential-description-extra-prop-en-fail.json":
        (DataModelError, "description: a language value object may only hold"),
    "names-and-descriptions/credential-name-extra-prop-en-fail.json":
        (DataModelError, "name: a language value object may only hold"),
    "names-and-descriptions/issuer-description-extra-prop-en-fail.json":
        (DataModelError, "issuer.description: a language value object may only hold"),
    "names-and-descriptions/issuer-name-extra-prop-en-fail.json":
        (DataModelError, "issuer.name: a language value object may only hold"),
}


def _input_names() -> list[str]:
    """Every input, as a path relative to vc-dm2-inputs/ (collected before fixtures exist)."""
    found = vectors_dir()
    if found is None:
        return []
    folder = found / INPUTS
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.json"))


def _names(*suffixes: str) -> list[str]:
    return [n for n in _input_names() if n.endswith(suffixes)]


OK_INPUTS = _names("-ok.json")
FAIL_INPUTS = _names("-fail.json", "-fail-or-inject.json")
OTHER_INPUTS = [n for n in _input_names() if n not in OK_INPUTS and n not in FAIL_INPUTS]
# today's counts in vc-dm2-inputs (test-suite commit 6e07524): fewer fails collection
MIN_OK, MIN_FAIL, MIN_DIRECTION, MIN_OTHER = 65, 52, 4, 3


@functools.cache
def _store(vectors: Path) -> ContextStore:
    return ContextStore(extra={
        EXAMPLES_CONTEXT: vectors / "contexts" / "credentials-examples-v2.jsonld"})


def _load(vectors: Path, name: str) -> dict:
    return json.loads((vectors / INPUTS / name).read_text(encoding="utf-8"))


def _as_sent_by_w3c_suite(document: dict) -> dict:
    """The request body the W3C suite posts to an issuer (tests/mock.data.js createRequestBody).

    The issuer's id goes where the input has no issuer, or an issuer object without an id key;
    an explicit null id is kept, since rejecting it is what an input tests.
    """
    doc = copy.deepcopy(document)
    if "VerifiablePresentation" not in (doc.get("type") or []):
        if "issuer" not in doc:
            doc["issuer"] = ISSUER
        elif isinstance(doc["issuer"], dict) and "id" not in doc["issuer"]:
            doc["issuer"]["id"] = ISSUER
    for key in ("validFrom", "validUntil"):
        if doc.get(key) in DATE_PLACEHOLDERS:
            doc[key] = DATE_PLACEHOLDERS[doc[key]]
    return doc


def _proof_count(document: dict) -> int:
    proof = document.get("proof")
    return 0 if proof is None else len(proof) if isinstance(proof, list) else 1


def test_every_input_file_is_classified(vectors: Path) -> None:
    assert len(OK_INPUTS) >= MIN_OK and len(FAIL_INPUTS) >= MIN_FAIL
    missing = [n for n in FAIL_INPUTS if n not in FAIL_EXPECTATIONS]
    assert not missing, f"add the expected rejection of {missing} to FAIL_EXPECTATIONS"


# RDFC-1.0 as the cryptosuites use it drops @direction (JSON-LD toRdf, rdfDirection null),
# so a changed text direction would keep a valid signature: safe mode refuses @direction
# rather than show an unsigned direction (README, "What the verdict is read from").
DIRECTION_INPUTS = [n for n in OK_INPUTS if "language-direction" in n]


@pytest.mark.parametrize("name", vector_cases(DIRECTION_INPUTS, MIN_DIRECTION,
                                              "inputs with @direction"))
def test_direction_is_refused_because_the_signature_would_not_cover_it(vectors: Path,
                                                                      name: str) -> None:
    document = _as_sent_by_w3c_suite(_load(vectors, name))
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        with pytest.raises(NotCompactError, match="@direction"):
            vc_calls.issue(document, KEY, suite=suite, verification_method=VERIFICATION_METHOD,
                      store=_store(vectors))


def test_direction_inputs_are_present(vectors: Path) -> None:
    assert len(DIRECTION_INPUTS) == MIN_DIRECTION


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
@pytest.mark.parametrize("name", vector_cases(
    [n for n in OK_INPUTS if n not in DIRECTION_INPUTS], MIN_OK - MIN_DIRECTION,
    "-ok inputs without @direction"))
def test_ok_input_is_issued_and_verifies(vectors: Path, name: str, suite: str) -> None:
    document = _as_sent_by_w3c_suite(_load(vectors, name))
    store = _store(vectors)
    validate(document)

    signed = vc_calls.issue(document, KEY, suite=suite, verification_method=VERIFICATION_METHOD,
                       store=store)

    assert {k: v for k, v in signed.items() if k != "proof"} == \
        {k: v for k, v in document.items() if k != "proof"}
    existing = _proof_count(document)
    assert _proof_count(signed) == existing + 1
    result = vc_calls.verify(signed, store=store)
    if existing == 0:
        assert result.verified, result.to_json()
    else:
        # the input's own proof is a placeholder (no verificationMethod): only ours can verify
        outcomes = {c.id: c.outcome for c in result.checks}
        assert outcomes["terms"] is Outcome.PASSED, result.to_json()
        assert outcomes[f"proof[{existing}]"] is Outcome.PASSED, result.to_json()


@pytest.mark.parametrize("name", vector_cases(FAIL_INPUTS, MIN_FAIL, "-fail inputs"))
def test_fail_input_is_rejected_with_a_specific_message(vectors: Path, name: str) -> None:
    document = _as_sent_by_w3c_suite(_load(vectors, name))
    error_class, fragment = FAIL_EXPECTATIONS[name]

    with pytest.raises(VCError) as caught:
        vc_calls.issue(document, KEY, suite="eddsa-rdfc-2022",
                  verification_method=VERIFICATION_METHOD, store=_store(vectors))

    assert isinstance(caught.value, error_class), f"{type(caught.value).__name__}: {caught.value}"
    assert fragment in str(caught.value)


@pytest.mark.parametrize("name", vector_cases(OTHER_INPUTS, MIN_OTHER,
                                              "inputs without an expected outcome"))
def test_input_without_expected_outcome_is_a_well_formed_presentation(vectors: Path,
                                                                     name: str) -> None:
    # the self-asserted presentations (holder or issuer other than the presenter, or no
    # holder): the file names give no outcome, because whether to accept them is the
    # verifier's policy (verifier.holder_binding); the data model itself must accept them
    document = _load(vectors, name)
    assert "VerifiablePresentation" in document["type"]
    assert validate(document) is None


# Edge cases of `validate` that the W3C inputs do not cover.

def _credential(**changes: object) -> dict:
    doc: dict = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not None}


def _problems(document: object) -> list[str]:
    with pytest.raises(DataModelError) as caught:
        validate(document)  # type: ignore[arg-type]
    assert str(caught.value) and caught.value.problems
    return caught.value.problems


def test_minimal_credential_is_valid() -> None:
    assert validate(_credential()) is None


def test_valid_until_without_time_zone_is_rejected() -> None:
    problems = _problems(_credential(validFrom="2025-01-01T00:00:00Z",
                                     validUntil="2026-01-01T00:00:00"))
    assert len(problems) == 1 and problems[0].startswith("validUntil:")


def test_issuer_object_without_id_is_rejected() -> None:
    assert _problems(_credential(issuer={"name": "Example Issuer"})) == [
        "issuer.id: missing; the object must have an id that is a URL"]


def test_credential_without_issuer_is_rejected() -> None:
    problems = _problems(_credential(issuer=None))
    assert len(problems) == 1 and problems[0].startswith("issuer: missing")


def test_empty_credential_subject_list_is_rejected() -> None:
    assert _problems(_credential(credentialSubject=[])) == [
        "credentialSubject: must hold at least one subject"]


def test_every_problem_is_listed() -> None:
    problems = _problems(_credential(id="not a url", credentialSubject=None,
                                     validFrom="yesterday"))
    assert [p.split(":")[0] for p in problems] == ["id", "credentialSubject", "validFrom"]


@pytest.mark.parametrize(("valid_from", "valid_until"), [
    ("2025-01-01T00:00:00Z", "2025-01-01T01:00:00+01:00"),  # the same instant
    ("2025-01-01T24:00:00Z", "2025-01-02T00:00:00Z"),       # 24:00:00 is the next midnight
    ("9999-12-31T23:59:59.5Z", "10000-01-01T00:00:00Z"),    # years past 9999
])
def test_valid_until_at_the_same_instant_or_later_is_accepted(valid_from: str,
                                                              valid_until: str) -> None:
    assert validate(_credential(validFrom=valid_from, validUntil=valid_until)) is None


def test_valid_until_earlier_in_another_time_zone_is_rejected() -> None:
    # 10:00+02:00 is 08:00Z, half an hour before validFrom
    problems = _problems(_credential(validFrom="2025-01-01T08:30:00Z",
                                     validUntil="2025-01-01T10:00:00+02:00"))
    assert problems == ["validUntil: is earlier than validFrom"]


@pytest.mark.parametrize("value", ["2023-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
                                   "2025-01-01T00:00:00+15:00", "2025-01-01 00:00:00Z"])
def test_impossible_date_time_is_rejected(value: str) -> None:
    assert _problems(_credential(validFrom=value))[0].startswith("validFrom:")


def test_presentation_with_empty_credential_list_is_rejected() -> None:
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"], "verifiableCredential": []}
    assert _problems(presentation) == ["verifiableCredential: must hold at least one credential"]


def test_non_object_document_is_rejected() -> None:
    assert _problems(["not", "an", "object"]) == ["the document must be a JSON object"]
