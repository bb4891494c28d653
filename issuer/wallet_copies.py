"""Credentials issued into wallets: copies of a credential already issued, bound to the
wallet's key (OpenID4VCI 1.0 §8.2 key proofs; the holder proves possession of the key the
copy names).

An `ldp_vc` copy is the original Open Badges 3.0 credential with a new id and the wallet's
key as `credentialSubject.id` (a did:jwk), signed anew. It keeps the original's
`credentialStatus` entries, so revoking or suspending the original does the same to every
copy, and its validity period. Each copy is recorded with its original.
"""
import copy
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from issuer.credentials import rfc3339
from issuer.models import WalletCopy
from issuer.signing import IssuerSigner


def ldp_vc_copy(original: dict[str, Any], holder_did: str, signer: IssuerSigner,
                now: datetime) -> dict[str, Any]:
    document = copy.deepcopy(original)
    document.pop("proof", None)
    document["id"] = f"urn:uuid:{uuid.uuid4()}"
    subject = dict(document["credentialSubject"])
    document["credentialSubject"] = {"id": holder_did, **{k: v for k, v in subject.items()
                                                          if k != "id"}}
    return signer.sign(document, created=rfc3339(now))


def record_copy(s: Session, copy_id: str, original_id: str, grant_id: str, fmt: str,
                holder_key: str, now: datetime, token_slot: tuple[int, int] | None = None
                ) -> None:
    s.add(WalletCopy(id=copy_id, original_id=original_id, grant_id=grant_id, format=fmt,
                     holder_key=holder_key, issued_at=now,
                     token_list=token_slot[0] if token_slot else None,
                     token_index=token_slot[1] if token_slot else None))
