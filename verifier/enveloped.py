"""Recognising an SD-JWT VC handed to a verifier: the compact text itself
(`<JWT>~<Disclosure>~...~[<KB-JWT>]`, RFC 9901 §4), or a W3C VC DM 2.0 §4.13
EnvelopedVerifiableCredential whose `id` is the data: URL `data:application/dc+sd-jwt,<text>`
(the media type of SD-JWT VC, draft-ietf-oauth-sd-jwt-vc §3.1)."""
import re
from typing import Any

MAX_SD_JWT_CHARS = 64 * 1024
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~[A-Za-z0-9_.~-]*")
_DATA_URL = "data:application/dc+sd-jwt,"


def sd_jwt_text(value: Any) -> str | None:
    """The SD-JWT VC's compact text in `value`, or None when it holds none."""
    if isinstance(value, dict) and value.get("type") in (
            "EnvelopedVerifiableCredential", ["EnvelopedVerifiableCredential"]):
        value = value.get("id")
        if not isinstance(value, str) or not value.startswith(_DATA_URL):
            return None
        value = value[len(_DATA_URL):]
    if not isinstance(value, str):
        return None
    text: str = value.strip()
    if len(text) > MAX_SD_JWT_CHARS or not _COMPACT.fullmatch(text):
        return None
    return text
