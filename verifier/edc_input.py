"""Telling a sealed European Digital Credential from the other inputs by its content: a JWS
in JSON serialisation (a payload and its signatures, ETSI TS 119 182-1 §5.1), which a W3C
credential or presentation never is. It may be far larger than a credential (its rendered
page travels with it), so it is recognised before the text length limit of a QR code."""
from typing import Any

from vc.errors import MalformedInputError
from vc.jades.jws import MAX_JSON_DEPTH, MAX_SEAL_BYTES, looks_like_seal
from vc.json_input import loads_bounded
from vc.qr import QRPayloadError


def sealed_document(text: str) -> dict[str, Any] | None:
    """The parsed JWS JSON if `text` is one, else None (the caller reads it otherwise);
    QRPayloadError when it looks like one but is not JSON or too large."""
    if not text.startswith("{") or '"payload"' not in text or '"signature' not in text:
        return None
    try:
        document = loads_bounded(text.encode("utf-8"), "the sealed document",
                                 max_bytes=MAX_SEAL_BYTES, max_depth=MAX_JSON_DEPTH)
    except (MalformedInputError, UnicodeEncodeError) as e:
        raise QRPayloadError(f"the text is not valid JSON: {e}") from None
    return document if looks_like_seal(document) else None
