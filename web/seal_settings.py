"""Where the body's electronic seal lives, and which seals a verifier trusts.

- a PKCS#12 file and its passphrase: S4C_SEAL_PKCS12, S4C_SEAL_PASSPHRASE;
- or a PKCS#11 token (an HSM, a QSCD): S4C_SEAL_PKCS11_MODULE, S4C_SEAL_TOKEN_LABEL,
  S4C_SEAL_KEY_LABEL, S4C_SEAL_PIN (the key never leaves the token);
- neither: a DEMO seal made in the data directory (`issuer.seal_demo`), so `make run` works;
- S4C_TSA_URL: the RFC 3161 TSA of the signature time-stamps (unset with a real seal: PAdES
  B-B, no time-stamp; with the DEMO seal: its in-process DEMO TSA);
- S4C_SEAL_ANCHORS_DIR: a folder of CA certificates (PEM or DER) whose seals a verifier
  trusts; the DEMO CA of this data directory is trusted only when it is placed there.
"""
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SealSettings:
    pkcs12: str | None = None
    passphrase: str | None = None
    pkcs11_module: str | None = None
    token_label: str | None = None
    key_label: str | None = None
    pin: str | None = None
    tsa_url: str | None = None
    anchors_dir: str | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> "SealSettings":
        def read(name: str) -> str | None:
            return env.get(name) or None

        found = cls(pkcs12=read("S4C_SEAL_PKCS12"), passphrase=read("S4C_SEAL_PASSPHRASE"),
                    pkcs11_module=read("S4C_SEAL_PKCS11_MODULE"),
                    token_label=read("S4C_SEAL_TOKEN_LABEL"),
                    key_label=read("S4C_SEAL_KEY_LABEL"), pin=read("S4C_SEAL_PIN"),
                    tsa_url=read("S4C_TSA_URL"), anchors_dir=read("S4C_SEAL_ANCHORS_DIR"))
        if found.pkcs11_module and not (found.token_label and found.key_label):
            raise ValueError("S4C_SEAL_PKCS11_MODULE needs S4C_SEAL_TOKEN_LABEL and "
                             "S4C_SEAL_KEY_LABEL")
        if found.tsa_url and not found.tsa_url.startswith(("http://", "https://")):
            raise ValueError("S4C_TSA_URL must be an http:// or https:// URL")
        return found

