"""What an uploaded file holds, told by its content and never by its name or declared type:
a PNG or JPEG photo of a QR code, the PDF certificate (a credential file it embeds, else the
QR codes printed on it), or text (a credential or presentation JSON, an SD-JWT VC in its
compact `~`-separated form, an `S4C1:` code or a share link).

A name or a content type is whatever the sender's system guessed (a phone calls an SD-JWT VC
`application/octet-stream`, a mail client calls JSON `text/plain`); the first bytes are what
the file is. Every refusal is a QRPayloadError whose sentence the page says in its language.
"""
from dataclasses import replace

from vc.codes import InputCode
from vc.qr import MAX_IMAGE_BYTES, QRPayloadError
from verifier.pdf_input import texts_in_pdf
from verifier.qr_payload import ScannedInput, parse_image, parse_text

MAX_FILE_BYTES = MAX_IMAGE_BYTES  # a phone photo is the largest thing anyone uploads here
PNG_MAGIC = b"\x89PNG"  # the rest of the signature is checked by the image reader
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
# other pictures a phone makes: said as such, so nobody is told their photo is "text"
OTHER_IMAGES = {b"GIF8": "GIF", b"RIFF": "WebP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}


def parse_file(data: bytes) -> ScannedInput:
    """The credential (or link) in an uploaded file; QRPayloadError says why there is none."""
    if not data:
        raise QRPayloadError("the input is empty", code=InputCode.EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise QRPayloadError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
                             code=InputCode.FILE_TOO_LARGE, n=MAX_FILE_BYTES // (1024 * 1024))
    if data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        return parse_image(data)
    # ISO 32000-2 §7.5.2: the header may follow a little junk; readers look in the first KiB
    if PDF_MAGIC in data[:1024]:
        return _parse_pdf(data)
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        raise QRPayloadError("the file is an image in HEIC or AVIF, not PNG or JPEG",
                             code=InputCode.IMAGE_FORMAT, kind="HEIC or AVIF")
    for magic, kind in OTHER_IMAGES.items():
        if data.startswith(magic):
            raise QRPayloadError(f"the file is an image in {kind}, not PNG or JPEG",
                                 code=InputCode.IMAGE_FORMAT, kind=kind)
    try:
        text = data.decode("utf-8-sig")  # a BOM is what Windows editors write first
    except UnicodeDecodeError:
        raise QRPayloadError("the file is not a credential, an SD-JWT VC, a PDF certificate "
                             "or a photo of a QR code", code=InputCode.UNKNOWN_FILE) from None
    return parse_text(text)


def _parse_pdf(data: bytes) -> ScannedInput:
    """The first credential or s4c QR code in a PDF: an embedded credential file first (it is
    the credential itself), then the QR codes of its pictures."""
    texts = texts_in_pdf(data)
    edc = None
    for text in texts:
        try:
            scanned = parse_text(text)
        except QRPayloadError:
            continue
        if scanned.sealed is not None:
            # s4c's certificate attaches the W3C credential and its EDC: the credential is
            # checked with the PDF's seal; an EDC alone is checked by its own seal
            edc = edc or scanned
            continue
        # its seal is checked beside the credential (a PDF without one says so)
        return replace(scanned, sealed_pdf=data)
    if edc is not None:
        return edc
    raise QRPayloadError("the PDF holds no credential and no s4c QR code",
                         code=InputCode.PDF_EMPTY)
