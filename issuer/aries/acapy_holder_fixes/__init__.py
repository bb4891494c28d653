"""ACA-Py 1.7.0 holder plugin: two fixes so that a wallet agent can hold and present VC Data
Model 2.0 credentials such as s4c's. Loaded into a *holder* agent only
(`--plugin issuer.aries.acapy_holder_fixes`); on another ACA-Py version it patches nothing.

1. A `credentialStatus` array over issue-credential 2.0. VC Data Model 2.0 §4.10 allows `credentialStatus` to be one object or an array; s4c
credentials carry two entries (revocation and suspension, Bitstring Status List v1.0).
ACA-Py 1.7.0's `LDProofCredFormatHandler.receive_credential` (the holder, on the issued
credential) compares the status as one object (`credential_status.get("type")`): with an
array it raises AttributeError and the wallet never stores the credential, and without
`options.credentialStatus` in the request it refuses any status at all.

The fix replaces that method for arrays only: every entry must have the type the request
names in `options.credentialStatus`, and every other check of the original is kept (the
credential equals the one requested, and proof type, created, challenge and domain match).
Any other credential goes to the original method.

2. DIF presentations of VC 2.0 credentials. ACA-Py 1.7.0 builds every DIF presentation with
the VC 1.1 context (`vc_ld.prove.create_presentation`); a VC 2.0 credential inside it
redefines protected terms, so signing fails in JSON-LD expansion and the wallet never
answers. The fix gives the presentation the VC 2.0 context when every credential in it is a
VC 2.0 credential (VC DM 2.0 §4.13), with the Ed25519Signature2020 context its proof needs,
and keeps 1.1 otherwise. It also signs the presentation with the suite the request asks for:
for `ldp_vp` `Ed25519Signature2020` ACA-Py 1.7.0 falls back to Ed25519Signature2018 (its
format handler has no branch for 2020), and it drops the request's `domain` from the proof
(VC Data Integrity 1.0 §2.1): both are restored.
"""
import logging
from contextvars import ContextVar

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.protocols.issue_credential.v2_0.formats.handler import V20CredFormatError
from acapy_agent.protocols.issue_credential.v2_0.formats.ld_proof.handler import (
    LDProofCredFormatHandler,
)
from acapy_agent.protocols.issue_credential.v2_0.formats.ld_proof.models.cred_detail import (
    LDProofVCDetail,
)
from acapy_agent.protocols.present_proof.dif import pres_exch_handler
from acapy_agent.vc.ld_proofs.constants import (
    CREDENTIALS_CONTEXT_V2_URL,
    SECURITY_CONTEXT_ED25519_2020_URL,
)
from acapy_agent.version import __version__

LOGGER = logging.getLogger(__name__)
FIXED_VERSION = "1.7.0"
_original = LDProofCredFormatHandler.receive_credential
_create_presentation = pres_exch_handler.create_presentation
_sign_presentation = pres_exch_handler.sign_presentation
_create_vp = pres_exch_handler.DIFPresExchHandler.create_vp
_DOMAIN: ContextVar[str | None] = ContextVar("s4c_presentation_domain", default=None)
ED2018, ED2020 = "Ed25519Signature2018", "Ed25519Signature2020"


async def receive_credential(self: LDProofCredFormatHandler, cred_ex_record,
                             cred_issue_message) -> None:
    """ACA-Py's checks of a received ld_proof credential, with a status array allowed."""
    fmt = LDProofCredFormatHandler.format
    cred_dict = cred_issue_message.attachment(fmt)
    status = cred_dict.get("credentialStatus")
    if not isinstance(status, list):
        return await _original(self, cred_ex_record, cred_issue_message)
    detail_dict = cred_ex_record.cred_request.attachment(fmt)
    detail = LDProofVCDetail.deserialize(detail_dict)
    proof = cred_dict.pop("proof", None)
    if not isinstance(proof, dict) or cred_dict != detail_dict["credential"]:
        raise V20CredFormatError(f"Received credential for cred_ex_id "
                                 f"{cred_ex_record.cred_ex_id} does not match requested "
                                 "credential")
    wanted = detail.options.credential_status or {}
    if not wanted or any(not isinstance(e, dict) or e.get("type") != wanted.get("type")
                         for e in status):
        raise V20CredFormatError("Received credential status does not match credential "
                                 "request")
    checks = (("created", proof.get("created"), detail.options.created),
              ("challenge", proof.get("challenge"), detail.options.challenge),
              ("domain", proof.get("domain"), detail.options.domain),
              ("type", proof.get("type"), detail.options.proof_type))
    for name, got, expected in checks:
        if (expected is not None or name != "created") and got != expected:
            raise V20CredFormatError(f"Received credential proof.{name} does not match the "
                                     "credential request")
    return None


async def create_presentation(*, credentials: list[dict],
                              presentation_id: str | None = None) -> dict:
    """ACA-Py's unsigned presentation, in VC 2.0 when all its credentials are VC 2.0."""
    presentation = await _create_presentation(credentials=credentials,
                                              presentation_id=presentation_id)
    if credentials and all(isinstance(c.get("@context"), list) and c["@context"]
                           and c["@context"][0] == CREDENTIALS_CONTEXT_V2_URL
                           for c in credentials):
        # the VC 2.0 context defines no Ed25519Signature2020 proof terms: add that context
        presentation["@context"] = [CREDENTIALS_CONTEXT_V2_URL,
                                    SECURITY_CONTEXT_ED25519_2020_URL]
    return presentation


async def create_vp(self, credentials, pd, challenge=None, domain=None, records_filter=None,
                    is_holder_override=None):
    """ACA-Py's DIF presentation, signed with the requested suite and for the domain."""
    fmt = getattr(pd, "fmt", None)
    asked = (getattr(fmt, "ldp_vp", None) or {}).get("proof_type") or []
    if self.proof_type == ED2018 and ED2020 in asked and ED2018 not in asked:
        self.proof_type = ED2020
    token = _DOMAIN.set(domain)
    try:
        return await _create_vp(self, credentials, pd, challenge, domain, records_filter,
                                is_holder_override)
    finally:
        _DOMAIN.reset(token)


async def sign_presentation(*, presentation: dict, suite, document_loader, purpose=None,
                            challenge: str | None = None, domain: str | None = None) -> dict:
    return await _sign_presentation(presentation=presentation, suite=suite,
                                    document_loader=document_loader, purpose=purpose,
                                    challenge=challenge, domain=domain or _DOMAIN.get())


async def setup(context: InjectionContext) -> None:
    if __version__ != FIXED_VERSION:
        LOGGER.warning("s4c holder fixes: ACA-Py %s is not %s, nothing patched",
                       __version__, FIXED_VERSION)
        return
    LDProofCredFormatHandler.receive_credential = receive_credential
    pres_exch_handler.create_presentation = create_presentation
    pres_exch_handler.sign_presentation = sign_presentation
    pres_exch_handler.DIFPresExchHandler.create_vp = create_vp
