"""RFC 3161 time-stamps: the client side (request, send, check the reply).

A seal of baseline B-T carries a time-stamp token from a time-stamping authority (TSA) over
its signature value (ETSI TS 119 182-1 §5.3.4.1). The client asks for a SHA-256 imprint of
the data, with a random nonce and `certReq` true (RFC 3161 §2.4.1: the TSA then puts its
certificate in the token, so the token can be checked on its own), and takes the reply only
when it is granted for that imprint and that nonce (§2.4.2). The TSA's own signature and
its trust are the verifier's business: the client only makes sure the token is for what it
asked for.

`HttpTimeStamper` posts to a TSA over HTTP (RFC 3161 §3.4, `S4C_TSA_URL`); anything with a
`stamp(data) -> token` method fits the `TimeStamper` seam (`vc.tsa.TimeStampAuthority` is an
in-process one for the demo).
"""
import hashlib
import http.client
import secrets
import threading
from datetime import datetime
from typing import ClassVar, Protocol
from urllib.parse import urlsplit

from asn1crypto import algos, cms, core, tsp

from vc.errors import VCError

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY_BYTES = 64 * 1024  # a token with a TSA chain of a few certificates is ~2-10 KB
DEFAULT_TIMEOUT = 10.0
# RFC 3161 §2.4.2 PKIStatus: granted (0) and grantedWithMods (1) carry a token
_GRANTED = ("granted", "granted_with_mods")


class TimeStampResp(core.Sequence):  # type: ignore[misc]
    """RFC 3161 §2.4.2 TimeStampResp; asn1crypto's own makes the token mandatory, so it can
    neither read nor write a rejection, which has none."""

    _fields: ClassVar = [("status", tsp.PKIStatusInfo),
                         ("time_stamp_token", cms.ContentInfo, {"optional": True})]


class TimeStampError(VCError):
    """No usable time-stamp: the TSA is unreachable, refused, or answered for something
    else. The message says which."""


class TimeStamper(Protocol):
    """Anything that returns a DER RFC 3161 TimeStampToken (a CMS ContentInfo) over `data`."""

    def stamp(self, data: bytes) -> bytes: ...


def imprint_of(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def tlv(tag: int, content: bytes) -> bytes:
    """One DER element (X.690 §8.1): tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def der_integer(value: int) -> bytes:
    """A non-negative DER INTEGER (X.690 §8.3: minimal two's complement)."""
    return tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


SHA256_ALGORITHM: bytes = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()


def message_imprint(digest: bytes) -> bytes:
    """MessageImprint { hashAlgorithm sha256, hashedMessage } (RFC 3161 §2.4.1)."""
    return tlv(0x30, SHA256_ALGORITHM + tlv(0x04, digest))


def make_request(digest: bytes, nonce: int) -> bytes:
    """A DER TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 `digest`, with `nonce`, certReq:
    encoded directly, as it is made for every seal (asn1crypto takes ~1 ms for it)."""
    return tlv(0x30, der_integer(1) + message_imprint(digest) + der_integer(nonce)
               + b"\x01\x01\xff")


def token_info(token: bytes) -> tsp.TSTInfo:
    """The TSTInfo inside a DER TimeStampToken (RFC 3161 §2.4.2), or TimeStampError."""
    try:
        info = cms.ContentInfo.load(token)
        if info["content_type"].native != "signed_data":
            raise TimeStampError("the time-stamp token is not CMS SignedData")
        encap = info["content"]["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TimeStampError("the time-stamp token does not hold a TSTInfo")
        parsed = encap["content"].parsed
        parsed.native  # noqa: B018 - parses the whole structure now, not later
        return parsed
    except (ValueError, TypeError, KeyError) as e:
        raise TimeStampError(f"the time-stamp token cannot be read: {e}") from None


def check_reply(reply: bytes, digest: bytes, nonce: int) -> bytes:
    """The DER TimeStampToken of a TimeStampResp, when it is granted for `digest` (SHA-256)
    and carries `nonce` (RFC 3161 §2.4.2); else TimeStampError."""
    try:
        response = TimeStampResp.load(reply)
        status = response["status"]["status"].native
        token = response["time_stamp_token"]
    except (ValueError, TypeError, KeyError) as e:
        raise TimeStampError(f"the TSA's reply is not an RFC 3161 TimeStampResp: {e}") \
            from None
    if status not in _GRANTED:
        texts = response["status"]["status_string"].native or []
        failure = response["status"]["fail_info"].native
        raise TimeStampError(f"the TSA refused the time-stamp ({status}"
                             f"{': ' + '; '.join(texts)[:200] if texts else ''}"
                             f"{f', {sorted(failure)}' if failure else ''})")
    if not isinstance(token, cms.ContentInfo) or token.contents is None:
        raise TimeStampError("the TSA granted the time-stamp but sent no token")
    token_der: bytes = token.dump()
    info = token_info(token_der)
    imprint = info["message_imprint"]
    if imprint["hash_algorithm"]["algorithm"].native != "sha256" \
            or imprint["hashed_message"].native != digest:
        raise TimeStampError("the TSA's token is for other data than was asked (its message "
                             "imprint differs)")
    if info["nonce"].native != nonce:
        raise TimeStampError("the TSA's token does not carry the request's nonce (a replayed "
                             "or mixed-up reply)")
    return token_der


def gen_time(token: bytes) -> str:
    """The token's genTime as RFC 3339 UTC, e.g. `2026-12-07T23:10:05Z`."""
    value: datetime = token_info(token)["gen_time"].native
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class HttpTimeStamper:
    """An RFC 3161 client of the TSA at `url` (http:// or https://), one kept-alive
    connection per thread."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the TSA URL must be http:// or https://, not {url[:80]!r}")
        self._url = url
        self._parts = parts
        self._timeout = timeout
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"HttpTimeStamper({self._parts.scheme}://{self._parts.netloc}{self._parts.path})"

    def stamp(self, data: bytes) -> bytes:
        digest = imprint_of(data)
        nonce = secrets.randbits(63)  # positive INTEGER, fits every TSA's 64-bit nonces
        return check_reply(self._post(make_request(digest, nonce)), digest, nonce)

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._parts.scheme == "https" \
                else http.client.HTTPConnection
            conn = cls(self._parts.hostname or "", self._parts.port, timeout=self._timeout)
            self._local.conn = conn
        return conn

    def _post(self, body: bytes) -> bytes:
        path = self._parts.path or "/"
        if self._parts.query:
            path += "?" + self._parts.query
        for attempt in (1, 2):  # a kept-alive connection the TSA closed: one fresh try
            conn = self._connection()
            try:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE})
                response = conn.getresponse()
                reply = response.read(MAX_REPLY_BYTES + 1)
                break
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                self._local.conn = None
                if attempt == 2 or not isinstance(
                        e, http.client.RemoteDisconnected | ConnectionResetError
                        | BrokenPipeError):
                    raise TimeStampError(f"the TSA at {self!r} cannot be reached: {e}") \
                        from None
        if response.status != 200:
            raise TimeStampError(f"the TSA answered HTTP {response.status}, not a time-stamp")
        if len(reply) > MAX_REPLY_BYTES:
            raise TimeStampError(f"the TSA's reply is larger than {MAX_REPLY_BYTES} bytes")
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if kind != REPLY_TYPE:
            raise TimeStampError(f"the TSA answered {kind or 'no content type'}, not "
                                 f"{REPLY_TYPE}")
        return reply

