"""Holder binding in a presentation (VC DM 2.0 §4.13 and §8.6 "holder binding").

The data model lets anyone present a credential (a holder need not be its subject), so
whether the presenter must be the subject is the verifier's policy. s4c's default,
`SubjectMustPresent`, fails a credential whose subject is a DID unless that DID signed the
presentation; `PresenterMayDiffer` only reports the difference. Both read the subject ids
from credentials in compact form (`vc._internal.jsonld_walk`): `@id` cannot stand in for `id`.
"""
from dataclasses import dataclass
from typing import Any, Protocol

from vc.findings import finding
from vc.json_input import as_list
from verifier.checks.base import Category, ReportedCheck, failed, passed, unknown
from verifier.codes import PresentationCode

A = Category.AUTHENTICITY


def subject_dids(credential: object) -> list[str]:
    if not isinstance(credential, dict):
        return []
    ids = [s.get("id") for s in as_list(credential.get("credentialSubject"))
           if isinstance(s, dict)]
    return sorted({i for i in ids if isinstance(i, str) and i.startswith("did:")})


class HolderBinding(Protocol):
    def run(self, presenter: str | None, credentials: list[Any]) -> list[ReportedCheck]: ...


def _mismatches(presenter: str | None, credentials: list[Any]) -> list[str]:
    return [did for c in credentials for did in subject_dids(c) if did != presenter]


@dataclass(frozen=True)
class SubjectMustPresent:
    """Default: a credential about a DID is presented by that DID, or the check fails."""

    def run(self, presenter: str | None, credentials: list[Any]) -> list[ReportedCheck]:
        others = _mismatches(presenter, credentials)
        if others:
            return [failed("holder-binding", A, finding(PresentationCode.NOT_SUBJECT,
                                                        presenter=str(presenter),
                                                        subject=others[0]))]
        return [passed("holder-binding", A, finding(PresentationCode.SUBJECT_PRESENTED,
                                                    presenter=str(presenter)))]


@dataclass(frozen=True)
class PresenterMayDiffer:
    """VC DM 2.0 allows a holder who is not the subject: reported, never failed."""

    def run(self, presenter: str | None, credentials: list[Any]) -> list[ReportedCheck]:
        others = _mismatches(presenter, credentials)
        if others:
            return [unknown("holder-binding", Category.INFO,
                            finding(PresentationCode.PRESENTER_NOT_SUBJECT,
                                    presenter=str(presenter), subject=others[0]),
                            matters=False)]
        return [passed("holder-binding", Category.INFO,
                       finding(PresentationCode.PRESENTER, presenter=str(presenter)))]
