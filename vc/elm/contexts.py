"""The ELM JSON-LD context, pinned like every other context (see `vc.contexts`)."""
from functools import lru_cache
from pathlib import Path

from vc.contexts import ContextStore, PinnedContexts, standard_contexts

ELM_DIR = Path(__file__).resolve().parent
ELM_CONTEXT_DIR = ELM_DIR / "context"
# The context of the EU's EDC application profile (ELM 3.2); EDCs are VC Data Model 1.1
# documents with @context [CREDENTIALS_V1_CONTEXT, EDC_AP_CONTEXT].
EDC_AP_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
CREDENTIALS_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"


def elm_contexts() -> PinnedContexts:
    """The pinned `edc-ap` context (its file and SHA-256 in `context/manifest.json`)."""
    return PinnedContexts(ELM_CONTEXT_DIR)


@lru_cache(maxsize=1)
def elm_store() -> ContextStore:
    """The W3C standard contexts plus the `edc-ap` context: what an EDC may name."""
    return ContextStore(pinned=[standard_contexts(), elm_contexts()])
