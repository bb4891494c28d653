"""The texts a PDF certificate carries: the files it embeds (ISO 32000-2 §7.11.4, a credential
JSON or SD-JWT VC attached to it) and the QR codes of its pictures (§8.9 image XObjects).

s4c's sealed PDF certificate (`issuer.pdf_seal`) embeds the signed credential (and its EDC);
a certificate printed to PDF by a browser embeds none, and its QR code (the share link) is read
from the picture the browser stored, without drawing the page. The seal itself is checked by
`verifier.pdf_seal`. A PDF is read with pypdf (pure Python) inside bounds, since anyone can upload one: few
pages, few pictures, few pixels, small attachments, and any failure of the parser is a
refusal, never an error page.
"""
import io
import logging
from typing import Any

from vc.codes import InputCode
from vc.qr import MAX_IMAGE_PIXELS, QRPayloadError, read_qr_codes

MAX_PAGES = 4  # a certificate is one page; a longer document is not a certificate
MAX_PICTURES = 16  # per page
MAX_ATTACHMENTS = 8
MAX_ATTACHMENT_BYTES = 256 * 1024
MAX_FORM_DEPTH = 2  # pictures inside form XObjects (how some printers group a page)
_log = logging.getLogger(__name__)


def texts_in_pdf(data: bytes) -> list[str]:
    """Embedded files' text first, then the text of every QR code on the first pages."""
    from pypdf import PdfReader  # deferred on purpose: loads only when a PDF is uploaded

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise QRPayloadError("the PDF is encrypted", code=InputCode.PDF_UNREADABLE)
        texts = _attachments(reader)
        for page in list(reader.pages)[:MAX_PAGES]:
            for picture in _pictures(page.get("/Resources"), MAX_FORM_DEPTH)[:MAX_PICTURES]:
                texts += _qr_texts(picture)
    except QRPayloadError:
        raise
    except Exception:  # noqa: BLE001 - any failure of the parser on a stranger's file is a refusal
        _log.info("an uploaded PDF could not be read", exc_info=True)
        raise QRPayloadError("the PDF file could not be read",
                             code=InputCode.PDF_UNREADABLE) from None
    return texts


def _attachments(reader: Any) -> list[str]:  # pypdf's PdfReader
    texts = []
    for _name, contents in list(reader.attachments.items())[:MAX_ATTACHMENTS]:
        for content in contents[:1]:
            if len(content) <= MAX_ATTACHMENT_BYTES:
                try:
                    texts.append(content.decode("utf-8-sig"))
                except UnicodeDecodeError:
                    continue  # a picture or another binary file: not a credential
    return texts


def _pictures(resources: Any, depth: int) -> list[Any]:  # pypdf's dictionaries
    """The image XObjects of a page's (or a form's) resources, each small enough to draw."""
    if resources is None:
        return []
    resources = resources.get_object()
    objects = resources.get("/XObject")
    if objects is None:
        return []
    found = []
    for ref in list(objects.get_object().values())[:MAX_PICTURES]:
        obj = ref.get_object()
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
            if 0 < width * height <= MAX_IMAGE_PIXELS:  # checked before decoding: no bomb
                found.append(obj)
        elif subtype == "/Form" and depth > 0:
            found += _pictures(obj.get("/Resources"), depth - 1)
    return found


def _qr_texts(picture: Any) -> list[str]:  # a pypdf image stream
    image = picture.decode_as_image()
    if image is None:
        return []
    png = io.BytesIO()
    image.convert("L").save(png, "PNG")
    try:
        return read_qr_codes(png.getvalue())
    except QRPayloadError:
        return []
