"""The certificate PDF sealed with the body's electronic seal: PAdES baseline B-T (ETSI EN
319 142-1 §6.3; a CAdES-detached signature in the PDF, ISO 32000-2 §12.8) made with pyhanko,
with a signature time-stamp from an RFC 3161 TSA, and the credentials it certifies attached as
associated files (ISO 32000-2 §7.11.4, §14.13: /AF of the catalogue, AFRelationship /Source).

The seal key is a small seam: any pyhanko `Signer` (a PKCS#12 file, a PKCS#11 token where the
key never leaves the token). The embedded files and the seal are one incremental update, so
the signature covers every byte of the file, attachments included.
"""
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

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

    def __init__(self, signer: signers.Signer, timestamper: TimeStamper | None,
                 name: str) -> None:
        self.signer = signer
        self.timestamper = timestamper
        self.name = name  # the body, as /Name of the signature (what readers show)

    @property
    def level(self) -> str:
        return "PAdES-B-T" if self.timestamper is not None else "PAdES-B-B"

    def seal(self, pdf: bytes, attachments: Sequence[Attachment] = (), *,
             reason: str = "", location: str = "") -> bytes:
        """`pdf` with `attachments` embedded and sealed, as new bytes."""
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


def _attach(writer: IncrementalPdfFileWriter, attachment: Attachment) -> None:
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


def pkcs12_signer(path: Path, passphrase: str | None) -> signers.Signer:
    """The seal key and its chain from a PKCS#12 file (S4C_SEAL_PKCS12, S4C_SEAL_PASSPHRASE)."""
    signer = signers.SimpleSigner.load_pkcs12(
        str(path), passphrase=passphrase.encode() if passphrase else None)
    if signer is None:
        raise ValueError(f"the seal's PKCS#12 file {path} could not be read (wrong "
                         "passphrase, or not a PKCS#12 file with a key and its certificate)")
    return signer


def pkcs11_signer(module: str, token_label: str, key_label: str, pin: str | None
                  ) -> signers.Signer:
    """The seal key in a PKCS#11 token (an HSM, a QSCD, SoftHSM2): the key never leaves it.
    S4C_SEAL_PKCS11_MODULE, S4C_SEAL_TOKEN_LABEL, S4C_SEAL_KEY_LABEL, S4C_SEAL_PIN."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11  # needs python-pkcs11, only where a token is used

    session = pkcs11.open_pkcs11_session(module, token_criteria=TokenCriteria(label=token_label),
                                         user_pin=pin)
    return pkcs11.PKCS11Signer(session, cert_label=key_label, key_label=key_label)


def http_timestamper(url: str) -> TimeStamper:
    """The signature time-stamp's TSA (S4C_TSA_URL), asked over HTTP (RFC 3161 §3.4)."""
    return HTTPTimeStamper(url, timeout=10)
