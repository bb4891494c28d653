"""The one JSON-LD context an Aries presentation adds to s4c's pinned sets.

A DIF Presentation Exchange presentation from an ACA-Py wallet has the type
`PresentationSubmission` and the property `presentation_submission`, defined by the DIF
submission context. The file is the copy ACA-Py 1.7.0 bundles
(`acapy_agent/vc/ld_proofs/resources/dif-presentation-exchange-submission-v1.jsonld`),
pinned here by its SHA-256 like every context s4c accepts.
"""
import hashlib
from pathlib import Path

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.contexts import ContextStore, PinnedContexts, standard_contexts
from vc.errors import ContextError

PRESENTATION_SUBMISSION_V1 = "https://identity.foundation/presentation-exchange/submission/v1"
SUBMISSION_FILE = Path(__file__).resolve().parent / "presentation-submission-v1.jsonld"
SUBMISSION_SHA256 = "f1cec97834e5c7ce695e6dbdddcc918e157c1dc6b50c44c3ba54b267f2e49ff9"


def aries_context_store() -> ContextStore:
    """s4c's pinned contexts plus the DIF submission context (checked against its hash)."""
    raw = SUBMISSION_FILE.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SUBMISSION_SHA256:
        raise ContextError(f"{SUBMISSION_FILE} does not match its pinned SHA-256")
    return ContextStore({PRESENTATION_SUBMISSION_V1: SUBMISSION_FILE},
                        pinned=[standard_contexts(), PinnedContexts(CONTEXTS_DIR)])
