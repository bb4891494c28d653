"""The certificate PDF sealed with the body's electronic seal: PAdES baseline B-T (ETSI EN
319 142-1 §6.3; a CAdES-detached signature in the PDF, ISO 32000-2 §12.8) made with pyhanko,
with a signature time-stamp from an RFC 3161 TSA, and the credentials it certifies attached as
associated files (ISO 32000-2 §7.11.4, §14.13: /AF of the catalogue, AFRelationship /Source).

The seal key is the body's seal (`issuer.seal`: a PKCS#12 file, a PKCS#11 token where the key
never leaves the token, or the DEMO seal), the same key that seals the EDCs, behind pyhanko's
`Signer`. The embedded files and the seal are one incremental update, so
the signature covers every byte of the file, attachments included.
"""
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding

from vc.jades.seal import SealSigner

# pyhanko imports the DSA types cryptography deprecates (we never use DSA): its warning
# would land in every command's output, e.g. in the middle of `s4c verify --json`
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")

if TYPE_CHECKING:  # pyhanko is imported when a PDF is sealed, not when the app starts
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import Signer
    from pyhanko.sign.timestamps import TimeStamper

SEAL_FIELD = "BodySeal"


@dataclass(frozen=True)
class Attachment:
    """A file the certificate carries: the W3C credential, the EDC."""

    name: str  # file name, e.g. "credential.json"
    data: bytes
    mime_type: str  # e.g. application/vc+ld+json
    description: str


class PdfSeal:
    """Seals PDFs with one signer; `timestamper` None makes PAdES B-B (no time-stamp)."""

    def __init__(self, signer: "Signer", timestamper: "TimeStamper | None", name: str) -> None:
        self.signer = signer
        self.timestamper = timestamper
        self.name = name  # the body, as /Name of the signature (what readers show)

    @property
    def level(self) -> str:
        return "PAdES-B-T" if self.timestamper is not None else "PAdES-B-B"

    def seal(self, pdf: bytes, attachments: Sequence[Attachment] = (), *,
             reason: str = "", location: str = "") -> bytes:
        """`pdf` with `attachments` embedded and sealed, as new bytes."""
        # deferred on purpose: pyhanko loads only when a PDF is sealed
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        for attachment in attachments:
            _attach(writer, attachment)
        meta = signers.PdfSignatureMetadata(
            field_name=SEAL_FIELD, name=self.name, reason=reason or None,
            location=location or None,
            subfilter=fields.SigSeedSubFilter.PADES,  # ETSI.CAdES.detached
            md_algorithm="sha256")
        pdf_signer = signers.PdfSigner(meta, signer=self.signer, timestamper=self.timestamper)
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, output=out)
        return out.getvalue()


def _attach(writer: "IncrementalPdfFileWriter", attachment: Attachment) -> None:
    # deferred on purpose: pyhanko loads only when a PDF is sealed
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import (
        EmbeddedFileObject,
        EmbeddedFileParams,
        FileSpec,
        embed_file,
    )

    now = datetime.now(UTC)
    data = EmbeddedFileObject.from_file_data(
        writer, attachment.data, mime_type=attachment.mime_type,
        params=EmbeddedFileParams(embed_size=True, embed_checksum=True, creation_date=now,
                                  modification_date=now))
    embed_file(writer, FileSpec(
        file_spec_string=attachment.name, file_name=attachment.name, embedded_data=data,
        description=attachment.description,
        # the credential is the source the page was drawn from (ISO 32000-2 Table 43)
        af_relationship=generic.NameObject("/Source")))


@cache
def _seal_key_signer_class() -> type:
    # deferred on purpose: pyhanko loads only when a PDF is sealed
    from asn1crypto import x509 as asn1_x509
    from asn1crypto.algos import SignedDigestAlgorithm
    from pyhanko.sign.signers import Signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class SealKeySigner(Signer):
        """pyhanko's signer over the body's seal key (`vc.jades.seal.SealSigner`): the same
        key as the EDC seals, wherever it lives (a PKCS#12 file, a PKCS#11 token, the DEMO
        seal)."""

        def __init__(self, key: SealSigner) -> None:
            chain = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER))
                     for c in key.chain]
            super().__init__(
                signing_cert=chain[0],
                cert_registry=SimpleCertificateStore.from_certs(chain[1:]),
                signature_mechanism=SignedDigestAlgorithm(
                    {"algorithm": _MECHANISMS[key.algorithm]}))
            self._key = key

        async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                                 dry_run: bool = False) -> bytes:
            signature = self._key.sign(data)
            if self._key.algorithm == "ES256":  # JWS R || S (RFC 7518 §3.4) -> CMS DER
                return encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                            int.from_bytes(signature[32:], "big"))
            return signature

    return SealKeySigner


# JWS algorithm of the seal key -> the CMS signature algorithm (RFC 5754, 5758, 8419)
_MECHANISMS = {"RS256": "sha256_rsa", "ES256": "sha256_ecdsa", "EdDSA": "ed25519"}


@runtime_checkable
class Responder(Protocol):
    """An RFC 3161 responder in this process: TimeStampReq DER in, TimeStampResp DER out."""

    def respond(self, request_der: bytes) -> bytes: ...


@cache
def _in_process_time_stamper_class() -> type:
    # deferred on purpose: pyhanko loads only when a PDF is sealed
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import TimeStamper

    class InProcessTimeStamper(TimeStamper):
        """pyhanko's time-stamp client over an in-process RFC 3161 responder (the DEMO TSA
        of the data directory, `vc.tsa.TimeStampAuthority`): the same request and reply
        bytes as over HTTP."""

        def __init__(self, responder: Responder) -> None:
            super().__init__()
            self._responder = responder

        async def async_request_tsa_response(self, req: Any) -> Any:
            return tsp.TimeStampResp.load(self._responder.respond(req.dump()))

    return InProcessTimeStamper


def pdf_seal(key: SealSigner, timestamps: object, tsa_url: str | None, name: str) -> PdfSeal:
    """The PDF seal of the body's seal key; its signature time-stamps from the TSA at
    `tsa_url` (RFC 3161 §3.4 over HTTP), else from `timestamps` when it answers in-process."""
    # deferred on purpose: pyhanko loads only when a PDF is sealed
    from pyhanko.sign.timestamps import HTTPTimeStamper

    if tsa_url:
        stamper: TimeStamper | None = HTTPTimeStamper(tsa_url, timeout=10)
    elif isinstance(timestamps, Responder):
        stamper = _in_process_time_stamper_class()(timestamps)
    else:
        stamper = None
    return PdfSeal(_seal_key_signer_class()(key), stamper, name)
