"""s4c's own JSON-LD contexts, read from local files: the Skills4Cities credential and
registry vocabularies, listed with their SHA-256 in `contexts/manifest.json`.

The W3C and 1EdTech contexts are vc's (`vc.contexts.standard_contexts()`); a service's
context store holds both: `vc.contexts.shared_store(CONTEXTS_DIR)`. (This module is data
only: schemas/ imports nothing of ours.)
"""
from pathlib import Path

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
