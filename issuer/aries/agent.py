"""A small client of the ACA-Py 1.7 admin API: the operations s4c needs as the agent's controller.

Plain HTTP/JSON through the standard library: every request has a timeout and a bounded
response; the API key goes in the `X-API-Key` header. Errors are `AgentError` (the agent
answered with an error: the message carries its reason) or `AgentUnavailable` (no answer).

The issuer's key in the agent (see `import_issuer_key`): ACA-Py's `did:web` method takes a
holder-defined DID, and for Ed25519 a "seed" is the 32-byte secret key itself (askar
`Key.from_secret_bytes`), so the agent can hold exactly the key of the s4c issuer's did:web.
The verification method id (`did:web:...#key-1`) is then bound to that key as its `kid`, so
signing never resolves the did:web over the network. A seed over the admin API requires
`--wallet-allow-insecure-seed`: the agent listens on 127.0.0.1 only, behind its API key.
"""
import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vc.multibase import b58decode, b58encode

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
DIDEXCHANGE = "https://didcomm.org/didexchange/1.1"


class AgentError(Exception):
    """The agent refused a request, or answered something unusable."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AgentUnavailable(AgentError):
    """The agent did not answer (not running, wrong port, timeout)."""


class AgentClient:
    def __init__(self, admin_url: str, api_key: str, timeout: float = 30.0) -> None:
        self.admin_url = admin_url.rstrip("/")
        self._api_key = api_key
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"AgentClient({self.admin_url!r})"

    # -- transport -------------------------------------------------------------------------
    def request(self, method: str, path: str, body: dict | None = None,
                query: dict | None = None, ok: tuple[int, ...] = (200, 201)) -> Any:
        url = self.admin_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers={
            "X-API-Key": self._api_key, "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read(MAX_RESPONSE_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            reason = getattr(e, "reason", e)
            raise AgentUnavailable(f"the agent at {self.admin_url} did not answer: "
                                   f"{reason}") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise AgentError(f"{method} {path}: the answer is larger than "
                             f"{MAX_RESPONSE_BYTES} bytes", status)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw[:300].decode("utf-8", "replace")
        if status not in ok:
            detail = payload.get("message") or payload.get("reason") \
                if isinstance(payload, dict) else payload
            raise AgentError(f"{method} {path}: HTTP {status}: {detail}", status)
        return payload

    def get(self, path: str, **query: Any) -> Any:
        return self.request("GET", path, query={k: v for k, v in query.items()
                                                if v is not None})

    def post(self, path: str, body: dict, ok: tuple[int, ...] = (200, 201), **query: Any) -> Any:
        return self.request("POST", path, body, query={k: v for k, v in query.items()
                                                       if v is not None}, ok=ok)

    # -- status ----------------------------------------------------------------------------
    def ready(self) -> bool:
        return bool(self.get("/status/ready").get("ready"))

    def status(self) -> dict:
        return self.get("/status")

    def pinned_loader(self) -> dict:
        """What the s4c plugin serves: `{"bound": ..., "contexts": [...], ...}`."""
        return self.get("/s4c/contexts")

    # -- DIDs and keys ---------------------------------------------------------------------
    def create_did_key(self) -> str:
        """A new Ed25519 did:key held by the agent."""
        result = self.post("/wallet/did/create", {"method": "key",
                                                  "options": {"key_type": "ed25519"}})
        return result["result"]["did"]

    def local_did(self, did: str) -> dict | None:
        results = self.get("/wallet/did", did=did).get("results") or []
        return results[0] if results else None

    def import_issuer_key(self, did: str, verification_method: str, secret_key: bytes) -> str:
        """Makes the agent hold the issuer's Ed25519 key under its DID; idempotent.

        Returns the key's base58 verkey. Refuses when the agent already holds `did` with
        another key (the issuer rotated keys: give the agent a new wallet).
        """
        if len(secret_key) != 32:
            raise AgentError("an Ed25519 secret key is 32 bytes")
        existing = self.local_did(did)
        if existing is None:
            seed = base64.b64encode(secret_key).decode("ascii")  # "=" padded: read as base64
            existing = self.post("/wallet/did/create", {
                "method": "web", "seed": seed,
                "options": {"did": did, "key_type": "ed25519"}})["result"]
        verkey = existing["verkey"]
        ours = b58encode(Ed25519PrivateKey.from_private_bytes(secret_key).public_key()
                         .public_bytes_raw())
        if verkey != ours:
            raise AgentError(f"the agent holds {did} with another key than the issuer's "
                             f"{verification_method}: give the agent a new wallet")
        multikey = verkey_to_multikey(verkey)
        if self.get(f"/wallet/keys/{multikey}").get("kid") != verification_method:
            # the kid lets the agent sign for the did:web without resolving it
            self.request("PUT", "/wallet/keys", {"multikey": multikey,
                                                 "kid": verification_method})
        return verkey

    # -- connections -------------------------------------------------------------------------
    def create_invitation(self, alias: str | None = None) -> dict:
        """An out-of-band invitation (DID Exchange 1.1) the holder's wallet scans."""
        body = {"handshake_protocols": [DIDEXCHANGE], "use_public_did": False}
        if alias:
            body["alias"] = alias
        return self.post("/out-of-band/create-invitation", body, auto_accept="true")

    def receive_invitation(self, invitation: dict, alias: str | None = None) -> dict:
        return self.post("/out-of-band/receive-invitation", invitation, alias=alias,
                         auto_accept="true")

    def connections(self, **query: Any) -> list[dict]:
        return self.get("/connections", **query).get("results") or []

    def connection(self, connection_id: str) -> dict:
        return self.get(f"/connections/{connection_id}")

    def connection_for_invitation(self, invitation_msg_id: str) -> dict | None:
        found = self.connections(invitation_msg_id=invitation_msg_id)
        return found[0] if found else None

    # -- issue-credential 2.0, ld_proof ------------------------------------------------------
    def offer_credential(self, connection_id: str, credential: dict,
                         verification_method: str | None = None,
                         comment: str | None = None) -> dict:
        """Offers `credential` (no proof) for Ed25519Signature2020 signing on request."""
        options: dict = {"proofType": "Ed25519Signature2020"}
        if verification_method:
            options["verificationMethod"] = verification_method
        status = credential.get("credentialStatus")
        entries = status if isinstance(status, list) else [status] if status else []
        if entries and isinstance(entries[0], dict):
            # inert for the issuing agent; a receiving ACA-Py refuses a status not named here
            options["credentialStatus"] = {"type": entries[0].get("type")}
        body = {"connection_id": connection_id, "auto_issue": True, "auto_remove": False,
                "filter": {"ld_proof": {"credential": credential, "options": options}}}
        if comment:
            body["comment"] = comment
        return self.post("/issue-credential-2.0/send-offer", body)

    def credential_exchange(self, cred_ex_id: str) -> dict:
        return self.get(f"/issue-credential-2.0/records/{cred_ex_id}")

    def credential_exchanges(self, **query: Any) -> list[dict]:
        return self.get("/issue-credential-2.0/records", **query).get("results") or []

    def stored_credentials(self, **query: Any) -> list[dict]:
        """The W3C credentials the agent holds (its `VCRecord`s)."""
        return self.post("/credentials/w3c", {}, **query).get("results") or []

    # -- present-proof 2.0, DIF presentation exchange ----------------------------------------
    def request_presentation(self, connection_id: str, definition: dict, *, challenge: str,
                             domain: str, comment: str | None = None) -> dict:
        body = {"connection_id": connection_id, "auto_verify": False, "auto_remove": False,
                "presentation_request": {"dif": {
                    "options": {"challenge": challenge, "domain": domain},
                    "presentation_definition": definition}}}
        if comment:
            body["comment"] = comment
        return self.post("/present-proof-2.0/send-request", body)

    def presentation_exchange(self, pres_ex_id: str) -> dict:
        return self.get(f"/present-proof-2.0/records/{pres_ex_id}")

    # -- VC API of the agent -------------------------------------------------------------------
    def issue_ldp(self, credential: dict, verification_method: str | None = None) -> dict:
        options: dict = {"proofType": "Ed25519Signature2020"}
        if verification_method:
            options["verificationMethod"] = verification_method
        return self.post("/vc/credentials/issue", {"credential": credential,
                                                   "options": options})["verifiableCredential"]

    def verify_ldp(self, credential: dict) -> dict:
        """ACA-Py's own verification: `{"verified": ..., "document": ..., "results": ...}`."""
        return self.post("/vc/credentials/verify", {"verifiableCredential": credential},
                         ok=(200, 400))

    def add_di_proof(self, document: dict, verification_method: str,
                     created: str | None = None) -> dict:
        options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                   "proofPurpose": "assertionMethod", "verificationMethod": verification_method}
        if created:
            options["created"] = created
        return self.post("/vc/di/add-proof", {"document": document,
                                              "options": options})["securedDocument"]

    def verify_di(self, document: dict) -> dict:
        """`/vc/di/verify`: `{"verificationResults": {"verified": ..., ...}}` (400 if not)."""
        return self.post("/vc/di/verify", {"securedDocument": document}, ok=(200, 400))


def verkey_to_multikey(verkey: str) -> str:
    """A base58 Ed25519 verkey as a Multikey (`z6Mk...`)."""
    return "z" + b58encode(b"\xed\x01" + b58decode(verkey))


def wait_for[T](probe: Callable[[], T | None], what: str, timeout: float = 20.0,
             interval: float = 0.1) -> T:
    """Polls `probe` until it returns something truthy; AgentError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AgentError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
