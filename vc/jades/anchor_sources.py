"""The deployment's seal anchors from its settings: a folder of CA certificates
(S4C_SEAL_ANCHORS_DIR) and/or an ETSI TS 119 612 trusted list (S4C_TRUSTED_LIST), read once,
at start, offline."""
from pathlib import Path

from vc.jades.anchors import AnchorsError, SealAnchors, anchors_from_folder, read_certificates
from vc.jades.trusted_list import anchors_from_trusted_list


def load_anchors(folder: str | None, trusted_list: str | None,
                 list_signers: str | None = None) -> SealAnchors:
    """The deployment's anchors from its settings: both sources may be given together.
    `list_signers`: a PEM file of the certificates allowed to sign `trusted_list` (its
    signature, and its national lists', are then checked)."""
    parts: list[SealAnchors] = []
    if folder:
        parts.append(anchors_from_folder(Path(folder)))
    if trusted_list:
        signers = None
        if list_signers:
            try:
                signers = read_certificates(Path(list_signers).read_bytes())
            except OSError as e:
                raise AnchorsError(f"{list_signers}: {e.strerror}") from None
        parts.append(anchors_from_trusted_list(Path(trusted_list), signers))
    if not parts:
        return SealAnchors()
    if len(parts) == 1:
        return parts[0]
    return SealAnchors(parts[0].anchors + parts[1].anchors, "trusted-list",
                       parts[1].list_signature_checked)
