"""Finding codes of the PDF certificate's seal (PAdES, `verifier.pdf_seal`): msgid = code in
every catalogue, the sentence in each language (`vc.findings`)."""
from vc.findings import N_, Code


class PdfSealCode(Code):
    # passed: intact, covers the whole file, chains to an anchor held here
    VALID = N_("pdf-seal.valid")  # signer, sealed_at (the time-stamp's time)
    VALID_WITHOUT_TIME_STAMP = N_("pdf-seal.valid-without-time-stamp")  # signer
    # unknown, for information: intact, but its CA is not among the anchors held here
    NOT_AMONG_ANCHORS = N_("pdf-seal.not-among-anchors")  # signer, ca
    NONE = N_("pdf-seal.none")  # the PDF carries no seal: only the credential was checked
    # failed: the PDF is not what was sealed
    ALTERED = N_("pdf-seal.altered")  # signer
    CHANGED_AFTER_SEALING = N_("pdf-seal.changed-after-sealing")  # signer
    TIME_STAMP_BROKEN = N_("pdf-seal.time-stamp-broken")  # signer
    UNREADABLE = N_("pdf-seal.unreadable")
