"""The body's PDF seal and the verifier's seal anchors, from the deployment's settings: the
same seal key and TSA as the EDC seals (`web.wiring.seal_keys`), the same anchors as the EDC verifier
(S4C_SEAL_ANCHORS_DIR, S4C_TRUSTED_LIST)."""
import threading
from collections import OrderedDict
from collections.abc import Callable

from cryptography import x509

from issuer.pdf_seal import PdfSeal, pdf_seal
from vc.jades.anchor_sources import load_anchors
from web.wiring.datadir import issuer_seal
from web.wiring.settings import Settings

MAX_KEPT = 64  # sealed PDFs kept per process (about 100 KB each)


class BodySeal:
    """The body's PDF seal, built once in `create_app`; its key is opened on first use (a
    token login, or the DEMO seal made in the data directory) and kept for the process."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._seal: PdfSeal | None = None
        self._lock = threading.Lock()
        # sealed certificates by what they show: the same credential, state, language and
        # link give the same page, so a reload does not seal (and time-stamp) it again
        self._made: OrderedDict[tuple[str, ...], bytes] = OrderedDict()

    def get(self) -> PdfSeal:
        with self._lock:
            if self._seal is None:
                seal = issuer_seal(self._settings)
                self._seal = pdf_seal(seal.signer, seal.timestamper, self._settings.tsa_url,
                                      self._settings.issuer_name)
            return self._seal

    def certificate(self, key: tuple[str, ...], make: Callable[[PdfSeal], bytes]) -> bytes:
        """The sealed certificate `key` names, made by `make` the first time (kept for the
        last MAX_KEPT certificates of this process)."""
        with self._lock:
            if key in self._made:
                self._made.move_to_end(key)
                return self._made[key]
        made = make(self.get())
        with self._lock:
            self._made[key] = made
            while len(self._made) > MAX_KEPT:
                self._made.popitem(last=False)
        return made


def seal_anchors(settings: Settings) -> list[x509.Certificate]:
    """The CA certificates whose PDF seals this deployment trusts."""
    return load_anchors(settings.seal_anchors_in_use, settings.seal_trusted_list).certificates

