"""Where an issued credential's EDC comes from: the stored credential, its candidate, the
framework in use and the body, built (`issuer.edc.build`) and sealed (`issuer.edc.sealing`).

Only a credential that counts now gets an EDC. The generic EDC profile has no place for a
status list an employer could check later (its `credentialStatus` is a bare URI), so an EDC
of a revoked or suspended credential would go on looking valid in a Europass profile: those,
and expired ones, are refused.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from issuer.codes import IssuerCode
from issuer.credentials import rfc3339
from issuer.edc.build import AwardingBody, IssuedAchievement, build_edc
from issuer.edc.sealing import Seal, unsealed
from issuer.errors import IssuerError, NotFound
from issuer.lifecycle import credential_state
from issuer.models import Candidate, IssuedCredential
from issuer.signing import IssuerConfig
from schemas.framework import Framework
from vc.errors import VCError


class EdcRefused(IssuerError):
    """The credential does not count now (revoked, suspended, expired): no EDC."""

    def __init__(self, credential_id: str, state: str) -> None:
        # Europass could not tell later that it no longer counts
        super().__init__(IssuerCode.EDC_NOT_COUNTING, id=credential_id, state=state)
        self.state = state


class EdcSealFailed(IssuerError):
    """The seal could not be made now (the token, the TSA): nothing is handed out."""


def awarding_body(config: IssuerConfig) -> AwardingBody:
    return AwardingBody(did=config.did, legal_name=config.name, country=config.country,
                        legal_identifier=config.legal_identifier, homepage=config.public_url)


def issued_achievement(record: IssuedCredential, holder_name: str) -> IssuedAchievement:
    """What the stored credential certifies; dates as its signed document states them."""
    document = record.document
    subject = document.get("credentialSubject") or {}
    results = subject.get("result") or []
    result = results[0].get("value") if record.kind == "unit" and results \
        and isinstance(results[0], dict) else None
    return IssuedAchievement(
        credential_id=record.id, kind=record.kind, code=record.code, holder_name=holder_name,
        issued=rfc3339(record.issued_at), valid_from=str(document.get("validFrom")),
        valid_until=document.get("validUntil"),
        result=result if isinstance(result, str) else None)


class EdcExport:
    """Builds the EDC of issued credentials; `seal` is applied to each (none by default)."""

    def __init__(self, sessions: sessionmaker, config: IssuerConfig, seal: Seal = unsealed
                 ) -> None:
        self.sessions = sessions
        self.config = config
        self.seal = seal

    def edc(self, credential_id: str, framework: Framework, now: datetime) -> dict[str, Any]:
        """The EDC of one credential; NotFound, or EdcRefused when it does not count now."""
        with self.sessions() as s:
            record = s.get(IssuedCredential, credential_id)
            if record is None:
                raise NotFound(IssuerCode.NO_CREDENTIAL, id=credential_id)
            name = s.scalar(select(Candidate.name).where(Candidate.id == record.candidate_id))
            return self.edc_of(record, str(name), framework, now)

    def edc_of(self, record: IssuedCredential, holder_name: str, framework: Framework,
             now: datetime) -> dict[str, Any]:
        """The sealed EDC of a stored credential whose holder is `holder_name`; EdcRefused
        when it does not count at `now`."""
        state = credential_state(record, now)
        if state != "active":
            raise EdcRefused(record.id, state)
        try:
            built = build_edc(issued_achievement(record, holder_name), framework,
                              awarding_body(self.config))
        except KeyError:
            raise IssuerError(IssuerCode.EDC_NOT_IN_FRAMEWORK, id=record.id,
                              achievement=record.code) from None
        try:
            return self.seal(built)
        except (VCError, ValueError, OSError) as e:  # the token, the TSA, the seal files
            raise EdcSealFailed(IssuerCode.EDC_SEAL_FAILED, str(e)[:300], id=record.id) from e

