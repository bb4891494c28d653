"""The European Learning Model (ELM 3.2): European Digital Credentials and accreditations.

ELM is an EU standard, not smart-city knowledge, so it lives in the core:

- `vc.elm.contexts`: `EDC_AP_CONTEXT` (the `edc-ap` JSON-LD context URL), `elm_contexts()`
  (the pinned copy of that context) and `elm_store()` (a `ContextStore` with the W3C
  contexts and it; never the network).
- `vc.elm.shacl`: `validate(document, shapes)` -> list of `Violation` against the EU's SHACL
  shapes (`"edc-generic"`: EDC-generic-no-cv.ttl; `"ams"`: AMS-constraints.ttl).

The copied EU files and their licence are described in `NOTICE.md`.
"""
