"""The EDC format check: SHACL against the generic EDC profile (`vc.elm.shacl`, the EU's
EDC-generic-no-cv.ttl), each violation a finding whose words say which property of which
node breaks which rule, in the reader's language."""
from collections.abc import Sequence
from typing import Any

from vc.elm.shacl import UNDEFINED_TERM, Violation, validate
from vc.errors import VCError
from vc.findings import Finding, finding
from verifier.edc_codes import EdcCode

SH = "http://www.w3.org/ns/shacl#"
_CODES = {SH + "MinCountConstraintComponent": EdcCode.FORMAT_MISSING,
          SH + "MaxCountConstraintComponent": EdcCode.FORMAT_TOO_MANY,
          SH + "DatatypeConstraintComponent": EdcCode.FORMAT_WRONG_KIND,
          SH + "ClassConstraintComponent": EdcCode.FORMAT_WRONG_KIND,
          SH + "NodeKindConstraintComponent": EdcCode.FORMAT_WRONG_KIND,
          UNDEFINED_TERM: EdcCode.FORMAT_UNDEFINED_TERM}


def _short(iri: str | None) -> str:
    """The local name people recognise (`awardingBody`), not the whole IRI."""
    if not iri:
        return "?"
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def violation_finding(violation: Violation) -> Finding:
    code = _CODES.get(violation.constraint, EdcCode.FORMAT_VIOLATION)
    return finding(code, violation.message[:500], path=_short(violation.path),
                   node=violation.focus_node[:200], rule=_short(violation.constraint)
                   .removesuffix("ConstraintComponent"))


def edc_format_check(content: dict[str, Any]) -> Sequence[Finding]:
    """The findings of every violation of the generic EDC profile; [] when it conforms."""
    try:
        violations = validate(content, "edc-generic")
    except VCError as e:  # an unknown context, JSON-LD that cannot be read
        return [finding(EdcCode.FORMAT_UNREADABLE, str(e)[:500])]
    return [violation_finding(v) for v in violations if v.severity == "Violation"]
