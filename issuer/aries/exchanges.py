"""The issuer's DIDComm exchanges through its ACA-Py agent: invite a wallet, issue s4c
credentials over issue-credential 2.0 (`ld_proof`), request presentations over present-proof
2.0 (DIF Presentation Exchange).

What travels is s4c's own credential: the issued document, its proof removed, is offered for
ACA-Py to sign with `Ed25519Signature2020` (VC DM 2.0) as the same issuer, with the same key
(`AgentClient.import_issuer_key`). Its `id`, `credentialStatus` entries, `credentialSchema`
and Open Badges content are unchanged, so revoking or suspending it in s4c flips the bit that
every copy points to. ACA-Py adds the Ed25519Signature2020 context to `@context`.
"""
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from issuer.aries.agent import AgentClient, AgentError
from issuer.service import IssuerService

S4C_VOCAB = "https://w3id.org/skills4cities/vocab#"
ROLE_TYPE = S4C_VOCAB + "S4CRoleCredential"
COMPETENCY_TYPE = S4C_VOCAB + "S4CCompetencyCredential"
CONNECTED = ("active", "completed", "response")
ISSUED = ("credential-issued", "done")
PRESENTED = ("presentation-received", "done")
FAILED = ("abandoned", "deleted")


@dataclass(frozen=True)
class Invitation:
    url: str  # what the QR code carries (`...?oob=<base64url invitation>`)
    invitation_msg_id: str
    message: dict  # the invitation itself (what `receive-invitation` takes)


def presentation_definition(kind: str = "role") -> dict:
    """DIF Presentation Exchange v1: one s4c role (or competency) credential, proven with a
    VP signed by its subject (Ed25519Signature2020)."""
    expanded = ROLE_TYPE if kind == "role" else COMPETENCY_TYPE
    subject = str(uuid.uuid4())  # ACA-Py wants UUID4 field ids
    return {
        "id": str(uuid.uuid4()),
        "format": {"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}},
        "input_descriptors": [{
            "id": f"s4c-{kind}",
            "name": "Skills4Cities role certification" if kind == "role"
                    else "Skills4Cities competency unit",
            "schema": [{"uri": expanded}],
            "constraints": {
                "is_holder": [{"directive": "required", "field_id": [subject]}],
                "fields": [{"id": subject, "path": ["$.credentialSubject.id"]},
                           {"path": ["$.credentialStatus[*].statusListCredential"]}]},
        }],
    }


def unsigned(credential: dict) -> dict:
    return {k: v for k, v in credential.items() if k != "proof"}


class AriesIssuer:
    """The issuer's side of the DIDComm exchanges; `agent` holds the issuer's key."""

    def __init__(self, agent: AgentClient, issuer_did: str, verification_method: str) -> None:
        self.agent = agent
        self.issuer_did = issuer_did
        self.verification_method = verification_method

    @classmethod
    def for_service(cls, agent: AgentClient, service: IssuerService) -> "AriesIssuer":
        """Gives the agent the issuer's active key (idempotent) and returns the issuer."""
        key_id = service.keys.active().key_id
        vm = f"{service.config.did}#{key_id}"
        secret = service.keys.signing_key(key_id).private_key
        if secret is None:
            raise AgentError(f"issuer key {key_id} has no private part")
        agent.import_issuer_key(service.config.did, vm, secret.private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()))
        return cls(agent, service.config.did, vm)

    # -- connections -----------------------------------------------------------------------
    def invite(self, alias: str | None = None) -> Invitation:
        created = self.agent.create_invitation(alias)
        return Invitation(created["invitation_url"], created["invi_msg_id"],
                          created["invitation"])

    def connection(self, invitation_msg_id: str) -> dict | None:
        """The wallet's connection once it is usable, else None."""
        found = self.agent.connection_for_invitation(invitation_msg_id)
        if found is None or found.get("state") not in CONNECTED:
            return None
        return found

    # -- issuing ---------------------------------------------------------------------------
    def offer(self, connection_id: str, credential: dict) -> str:
        """Offers one s4c credential; the agent issues it when the wallet requests it."""
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer != self.issuer_did:
            raise AgentError(f"the credential is issued by {issuer}, not by {self.issuer_did}")
        name = credential.get("name")
        comment = name if isinstance(name, str) else None
        record = self.agent.offer_credential(connection_id, unsigned(credential),
                                             self.verification_method, comment)
        return record["cred_ex_id"]

    def issued_credential(self, cred_ex_id: str) -> dict | None:
        """The credential as the agent signed and sent it, once issued."""
        record = self.agent.credential_exchange(cred_ex_id)["cred_ex_record"]
        if record.get("state") in FAILED:
            raise AgentError(f"credential exchange {cred_ex_id} {record['state']}: "
                             f"{record.get('error_msg') or 'no reason given'}")
        if record.get("state") not in ISSUED:
            return None
        issued = (record.get("by_format") or {}).get("cred_issue") or {}
        return issued.get("ld_proof")

    # -- presentations ---------------------------------------------------------------------
    def request_presentation(self, connection_id: str, *, challenge: str, domain: str,
                             kind: str = "role") -> str:
        """Asks the wallet for a presentation bound to the verifier's challenge and domain."""
        record = self.agent.request_presentation(
            connection_id, presentation_definition(kind), challenge=challenge, domain=domain,
            comment="An employer asks to see your Skills4Cities certification")
        return record["pres_ex_id"]

    def presentation(self, pres_ex_id: str) -> dict | None:
        """The wallet's Verifiable Presentation once received, else None."""
        record = self.agent.presentation_exchange(pres_ex_id)
        if record.get("state") in FAILED:
            raise AgentError(f"presentation exchange {pres_ex_id} {record['state']}: "
                             f"{record.get('error_msg') or 'no reason given'}")
        if record.get("state") not in PRESENTED:
            return None
        return ((record.get("by_format") or {}).get("pres") or {}).get("dif")
