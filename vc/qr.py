"""QR payloads for credentials: Base45 (RFC 9285) of zlib (RFC 1950) behind a short prefix,
the way the EU Digital COVID Certificate carries a signed document in a QR code; plus
writing a QR PNG (qrcode) and reading QR codes back from an image (zxing-cpp).

A payload is `PREFIX + Base45(zlib(JCS(document), preset dictionary))`. The preset
dictionary (RFC 1950 §2.2 FDICT) holds strings that most credentials repeat (context URLs,
type and property names); it is part of the format: a prefix names exactly one dictionary.
Base45 keeps the text inside the QR alphanumeric set (ISO/IEC 18004 §7.4.4), which packs
5.5 bits per character instead of 8. Decompression is bounded: a payload that expands
beyond `max_output` bytes (a compression bomb) is refused before it is fully inflated.
"""
import io
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vc.codes import ErrorCode, InputCode
from vc.errors import MalformedInputError
from vc.jcs import canonicalize_parsed
from vc.json_input import loads_strict

if TYPE_CHECKING:  # qrcode, zxingcpp and PIL are imported when an image is made or read
    from qrcode.main import QRCode

BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_BASE45_VALUE = {c: i for i, c in enumerate(BASE45_ALPHABET)}
DEFAULT_MAX_OUTPUT = 64 * 1024
MAX_PAYLOAD_CHARS = 8000  # above QR version 40's alphanumeric capacity (4296 at level L)
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 12-megapixel phone photo fits; a decompression bomb not


class QRPayloadError(MalformedInputError):
    """A QR text or image that is not a usable payload; the message says why."""

    code = ErrorCode.QR_PAYLOAD


# --- Base45, RFC 9285 ------------------------------------------------------------------

def base45_encode(data: bytes) -> str:
    """RFC 9285 §4: two bytes become three characters, a last single byte two."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (BASE45_ALPHABET[c], BASE45_ALPHABET[d], BASE45_ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (BASE45_ALPHABET[c], BASE45_ALPHABET[d])
    return "".join(out)


def base45_decode(text: str) -> bytes:
    """RFC 9285 §4.2: refuses characters outside the alphabet, a dangling character and
    triplets or pairs whose value does not fit their bytes (§6: must be treated as an error)."""
    if len(text) % 3 == 1:
        raise QRPayloadError(f"Base45 text of {len(text)} characters is truncated "
                             "(its length leaves one character over)")
    try:
        values = [_BASE45_VALUE[c] for c in text]
    except KeyError as e:
        raise QRPayloadError(f"character {e.args[0]!r} is not in the Base45 alphabet") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            if n > 0xFFFF:
                raise QRPayloadError("Base45 text holds a triplet above 65535: it is corrupt")
            out += n.to_bytes(2, "big")
        else:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise QRPayloadError("Base45 text ends with a pair above 255: it is corrupt")
            out.append(n)
    return bytes(out)


# --- bounded zlib ----------------------------------------------------------------------

def compress(data: bytes, zdict: bytes = b"") -> bytes:
    """zlib at level 9 with the largest window, with an optional preset dictionary."""
    if zdict:
        c = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, zdict=zdict)
    else:
        c = zlib.compressobj(9, zlib.DEFLATED, 15, 9)
    return c.compress(data) + c.flush()


def decompress_bounded(data: bytes, zdict: bytes = b"",
                       max_output: int = DEFAULT_MAX_OUTPUT) -> bytes:
    """Inflates one zlib stream, refusing more than `max_output` bytes of output."""
    d = zlib.decompressobj(15, zdict=zdict) if zdict else zlib.decompressobj(15)
    try:
        out = d.decompress(data, max_output + 1)  # one byte more than allowed proves a bomb
    except zlib.error as e:
        raise QRPayloadError(f"the payload is not valid zlib data: {e}") from None
    if len(out) > max_output:
        raise QRPayloadError(f"the payload expands beyond {max_output} bytes; refusing it "
                             "(compression bomb?)")
    if not d.eof:
        raise QRPayloadError("the payload's zlib data is truncated")
    if d.unused_data:
        raise QRPayloadError("the payload has data after its zlib stream")
    return out


# --- prefixed payloads -----------------------------------------------------------------

@dataclass(frozen=True)
class PayloadCodec:
    """One payload format: a prefix such as `S4C1:` and the preset dictionary it names."""

    prefix: str
    zdict: bytes = b""
    max_output: int = DEFAULT_MAX_OUTPUT

    def encode(self, document: dict[str, Any]) -> str:
        return self.prefix + base45_encode(compress(canonicalize_parsed(document), self.zdict))

    def matches(self, text: str) -> bool:
        return isinstance(text, str) and text.startswith(self.prefix)

    def decode(self, text: str) -> dict[str, Any]:
        """The JSON object in the payload; QRPayloadError with a reason otherwise."""
        if not isinstance(text, str):
            raise QRPayloadError("a QR payload is text")
        text = text.strip()
        if len(text) > MAX_PAYLOAD_CHARS:
            raise QRPayloadError(f"the QR text is longer than {MAX_PAYLOAD_CHARS} characters",
                                 code=InputCode.TOO_LONG, n=MAX_PAYLOAD_CHARS)
        if not text.startswith(self.prefix):
            shown = text[:12] + ("..." if len(text) > 12 else "")
            raise QRPayloadError(f"the QR text {shown!r} does not start with {self.prefix!r}",
                                 code=InputCode.NOT_S4C_QR)
        raw = decompress_bounded(base45_decode(text[len(self.prefix):]), self.zdict,
                                 self.max_output)
        try:
            document = loads_strict(raw)
        except MalformedInputError as e:
            raise QRPayloadError(f"the payload is not a JSON document: {e}") from None
        if not isinstance(document, dict):
            raise QRPayloadError("the payload must hold a JSON object",
                                 code=InputCode.NOT_AN_OBJECT)
        return document


# --- images ----------------------------------------------------------------------------

def qr_version_for(text: str, error_correction: str = "M") -> int:
    """The smallest QR version that holds `text` (as the qrcode package encodes it)."""
    return int(_make(text, error_correction).version)


def _make(text: str, error_correction: str) -> "QRCode[Any]":
    # deferred on purpose: the QR encoder loads only when a QR code is drawn
    import qrcode
    from qrcode import constants

    levels = {"L": constants.ERROR_CORRECT_L, "M": constants.ERROR_CORRECT_M,
              "Q": constants.ERROR_CORRECT_Q, "H": constants.ERROR_CORRECT_H}
    code = qrcode.QRCode(error_correction=levels[error_correction], box_size=6, border=4)
    code.add_data(text, optimize=0)  # one segment: alphanumeric when the text allows it
    code.make(fit=True)
    return code


def qr_png(text: str, *, error_correction: str = "M",
           max_version: int | None = None) -> tuple[bytes, int]:
    """The QR code of `text` as PNG bytes, and its version (1-40)."""
    code = _make(text, error_correction)
    if max_version is not None and code.version > max_version:
        raise QRPayloadError(f"the text needs QR version {code.version}, above the limit of "
                             f"{max_version} at error correction {error_correction}")
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue(), code.version


def read_qr_codes(image: bytes, max_bytes: int = MAX_IMAGE_BYTES) -> list[str]:
    """The texts of the QR codes in a PNG or JPEG image (zxing-cpp), bounded in size."""
    # deferred on purpose: the image decoder and Pillow load only when a picture is read
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if len(image) > max_bytes:
        raise QRPayloadError(f"the image is larger than {max_bytes // (1024 * 1024)} MiB",
                             code=InputCode.FILE_TOO_LARGE, n=max_bytes // (1024 * 1024))
    try:
        with Image.open(io.BytesIO(image)) as picture:
            if picture.format not in ("PNG", "JPEG"):
                raise QRPayloadError(f"the image is {picture.format}, not PNG or JPEG",
                                     code=InputCode.IMAGE_FORMAT, kind=str(picture.format))
            if picture.width * picture.height > MAX_IMAGE_PIXELS:
                raise QRPayloadError("the image has too many pixels", code=InputCode.NOT_AN_IMAGE)
            picture.load()
            gray = picture.convert("L")
    except UnidentifiedImageError:  # its message is the stream's repr: nothing to say
        raise QRPayloadError("the file is not a readable PNG or JPEG image",
                             code=InputCode.NOT_AN_IMAGE) from None
    except (OSError, Image.DecompressionBombError) as e:
        raise QRPayloadError(f"the file is not a readable PNG or JPEG image: {e}",
                             code=InputCode.NOT_AN_IMAGE) from None
    results = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [r.text for r in results if r.valid and r.text]
