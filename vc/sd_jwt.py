"""SD-JWT: Selective Disclosure for JWTs (RFC 9901), compact serialization only.

Why: an SD-JWT VC lets a holder show an employer the role certified without the personal
claims the employer does not need. The issuer signs digests of salted Disclosures; the holder
picks which Disclosures to send; the verifier recomputes every digest.

API:
- `issue_sd_jwt(claims, disclosable, signer, typ)` → `<JWT>~<D1>~…~<Dn>~` (§4, §5). A
  disclosable path is a tuple of keys and array indexes into `claims`, e.g. `("name",)`,
  `("address", "city")`, `("nationalities", 0)`; a plain string is a top-level claim.
- `present_sd_jwt(sd_jwt, disclose=…, holder=…, nonce=…, audience=…)` → the Disclosures for
  the chosen paths (and their ancestors), plus a KB-JWT when `holder` is given (§4.3).
- `verify_sd_jwt(text, issuer_key=…, typ=…, key_binding=…)` → `VerifiedSdJwt` with the
  processed claims (§7.1, §7.3); every failure is an `SdJwtError` subclass.

Digests are SHA-256 (`_sd_alg` "sha-256", §4.1.1) over the ASCII of the Disclosure exactly
as received (§4.2.3). Salts are 128 random bits (§9.3).
"""
import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vc.errors import MalformedInputError
from vc.jose import (
    CompactJws,
    JwsError,
    JwsSignatureError,
    JwsSigner,
    PublicKey,
    b64url_decode,
    b64url_encode,
    json_bytes,
)
from vc.json_input import loads_bounded
from vc.sd_jwt_errors import DisclosureError, SdJwtFormatError, SdJwtSignatureError
from vc.sd_jwt_kb import KeyBinding, KeyBindingRequirement, make_kb_jwt, verify_kb_jwt

SD_ALG = "sha-256"
SALT_BYTES = 16
MAX_DISCLOSURES = 256
MAX_DISCLOSURE_CHARS = 64_000
MAX_DEPTH = 64  # nesting of the processed payload, counting through Disclosures
RESERVED = frozenset({"_sd", "...", "_sd_alg"})
ClaimPath = tuple[str | int, ...]
IssuerKeyResolver = Callable[[CompactJws], PublicKey]


def _digest(encoded: str) -> str:
    return b64url_encode(hashlib.sha256(encoded.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    """§4.2.1 `[salt, name, value]` for an object property, §4.2.2 `[salt, value]` for an array
    element (then `name` is None)."""

    encoded: str
    salt: str
    name: str | None
    value: Any
    digest: str

    @classmethod
    def make(cls, name: str | None, value: Any) -> "Disclosure":
        salt = b64url_encode(secrets.token_bytes(SALT_BYTES))
        array = [salt, value] if name is None else [salt, name, value]
        encoded = b64url_encode(json_bytes(array))
        return cls(encoded, salt, name, value, _digest(encoded))

    @classmethod
    def parse(cls, encoded: str) -> "Disclosure":
        if len(encoded) > MAX_DISCLOSURE_CHARS:
            raise DisclosureError(f"a Disclosure is longer than {MAX_DISCLOSURE_CHARS} "
                                  "characters")
        try:
            array = loads_bounded(b64url_decode(encoded, "a Disclosure"), "a Disclosure",
                                  max_bytes=MAX_DISCLOSURE_CHARS, max_depth=32)
        except (JwsError, MalformedInputError) as e:
            raise DisclosureError(str(e)) from None
        if not isinstance(array, list) or len(array) not in (2, 3) \
                or not isinstance(array[0], str):
            raise DisclosureError("a Disclosure must be a JSON array [salt, name, value] or "
                                  "[salt, value] with a string salt (RFC 9901 §4.2)")
        if len(array) == 2:
            return cls(encoded, array[0], None, array[1], _digest(encoded))
        name = array[1]
        if not isinstance(name, str):
            raise DisclosureError("a Disclosure's claim name must be a string")
        if name in ("_sd", "..."):
            raise DisclosureError(f"a Disclosure must not name the claim {name!r} "
                                  "(RFC 9901 §7.1 step 3)")
        return cls(encoded, array[0], name, array[2], _digest(encoded))


def _as_path(path: str | Iterable[str | int]) -> ClaimPath:
    if isinstance(path, str):
        return (path,)
    found = tuple(path)
    if not found or not all(isinstance(p, str | int) and not isinstance(p, bool)
                            for p in found):
        raise SdJwtFormatError(f"a claim path must be a non-empty tuple of keys and "
                               f"indexes, not {path!r}")
    return found


class _Concealer:
    """§5: replaces each disclosable claim by a digest, innermost first (a Disclosure of an
    object carries the digests of its own disclosable members). Subtrees holding no
    disclosable path are only checked for reserved names (the issuer's hot path)."""

    def __init__(self, paths: set[ClaimPath], decoys: int) -> None:
        self.paths = paths
        self.prefixes = {p[:i] for p in paths for i in range(len(p))}
        self.decoys = decoys
        self.found: set[ClaimPath] = set()
        self.disclosures: list[Disclosure] = []

    def conceal(self, node: Any, at: ClaimPath) -> Any:
        if at not in self.prefixes:
            _check_reserved(node)
            return node
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            digests = []
            for key, value in node.items():
                if key in RESERVED:
                    raise SdJwtFormatError(f"the claim name {key!r} is reserved by SD-JWT "
                                           "(RFC 9901 §4.2.4)")
                path = (*at, key)
                child = self.conceal(value, path)
                if path in self.paths:
                    digests.append(self._disclose(key, child, path))
                else:
                    out[key] = child
            if digests:
                # §4.2.5 decoys hide how many claims there are; sorted, so the order of
                # digests says nothing about the order of claims (§4.2.4.1)
                digests += [_digest(b64url_encode(secrets.token_bytes(SALT_BYTES)))
                            for _ in range(self.decoys)]
                out["_sd"] = sorted(digests)
            return out
        if isinstance(node, list):
            items = []
            for index, value in enumerate(node):
                path = (*at, index)
                child = self.conceal(value, path)
                if path in self.paths:
                    items.append({"...": self._disclose(None, child, path)})
                else:
                    items.append(child)
            return items
        return node

    def _disclose(self, name: str | None, value: Any, path: ClaimPath) -> str:
        self.found.add(path)
        disclosure = Disclosure.make(name, value)
        self.disclosures.append(disclosure)
        return disclosure.digest


def _check_reserved(node: Any) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not RESERVED.isdisjoint(item):
                raise SdJwtFormatError(f"the claim names {sorted(RESERVED & set(item))} are "
                                       "reserved by SD-JWT (RFC 9901 §4.2.4)")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def conceal_claims(claims: Mapping[str, Any], disclosable: Iterable[str | Iterable[str | int]],
                   decoys: int = 0) -> tuple[dict[str, Any], list[Disclosure]]:
    """The payload with `_sd`/`...` digests and `_sd_alg`, and the Disclosures (§5)."""
    paths = {_as_path(p) for p in disclosable}
    concealer = _Concealer(paths, decoys)
    payload = concealer.conceal(dict(claims), ())
    missing = paths - concealer.found
    if missing:
        raise SdJwtFormatError(f"the claims have nothing at the disclosable path(s) "
                               f"{sorted(map(list, missing), key=str)}")
    if concealer.disclosures:
        payload["_sd_alg"] = SD_ALG
    return payload, concealer.disclosures


def issue_sd_jwt(claims: Mapping[str, Any], disclosable: Iterable[str | Iterable[str | int]],
                 signer: JwsSigner, typ: str, *, decoys: int = 0,
                 extra_header: Mapping[str, Any] | None = None) -> str:
    """`<Issuer-signed JWT>~<Disclosure 1>~…~<Disclosure N>~` (§4)."""
    payload, disclosures = conceal_claims(claims, disclosable, decoys)
    jwt = signer.sign(typ, payload, extra_header)
    return "~".join([jwt, *(d.encoded for d in disclosures), ""])


@dataclass(frozen=True)
class SdJwt:
    """A received SD-JWT split into its parts (§4, §7.1 step 1), nothing verified yet."""

    jws: CompactJws
    disclosures: tuple[Disclosure, ...]
    kb_jwt: str | None
    presented: str  # everything up to and including the last `~`: what `sd_hash` covers

    @classmethod
    def parse(cls, text: object) -> "SdJwt":
        if not isinstance(text, str):
            raise SdJwtFormatError("an SD-JWT is a string")
        text = text.strip()
        if "~" not in text:
            raise SdJwtFormatError("not an SD-JWT: the compact form ends its JWT with '~' "
                                   "(RFC 9901 §4)")
        parts = text.split("~")
        if len(parts) - 2 > MAX_DISCLOSURES:
            raise SdJwtFormatError(f"more than {MAX_DISCLOSURES} Disclosures")
        try:
            jws = CompactJws.parse(parts[0], "the Issuer-signed JWT")
        except JwsError as e:
            raise SdJwtFormatError(str(e)) from None
        if any(not p for p in parts[1:-1]):
            raise SdJwtFormatError("an SD-JWT has an empty Disclosure ('~~')")
        disclosures = tuple(Disclosure.parse(p) for p in parts[1:-1])
        kb = parts[-1] or None
        return cls(jws, disclosures, kb, text[: text.rfind("~") + 1])


class _Processor:
    """§7.1 step 3: put every disclosed claim back where its digest is, refusing repeats,
    clashes and Disclosures that nothing references. Records where each Disclosure sits
    (array indexes counted as issued) for `present_sd_jwt`."""

    def __init__(self, disclosures: Iterable[Disclosure]) -> None:
        self.by_digest: dict[str, Disclosure] = {}
        for d in disclosures:
            if d.digest in self.by_digest:
                raise DisclosureError("the same Disclosure is sent twice")
            self.by_digest[d.digest] = d
        self.seen: set[str] = set()
        self.paths: dict[str, ClaimPath] = {}

    def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        out = self._object(payload, (), 0, top=True)
        unused = set(self.by_digest) - set(self.paths)
        if unused:
            raise DisclosureError(f"{len(unused)} Disclosure(s) match no digest in the "
                                  "signed payload (RFC 9901 §7.1 step 3, tampered or foreign)")
        return out

    def _claim(self, digest: object) -> Disclosure | None:
        if not isinstance(digest, str):
            raise DisclosureError("a digest in the signed payload is not a string")
        if digest in self.seen:
            raise DisclosureError("a digest appears more than once in the signed payload "
                                  "(RFC 9901 §7.1 step 4)")
        self.seen.add(digest)
        return self.by_digest.get(digest)  # None: a decoy or an undisclosed claim

    def _value(self, node: Any, at: ClaimPath, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise SdJwtFormatError(f"the claims are nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            return self._object(node, at, depth + 1)
        if isinstance(node, list):
            return self._array(node, at, depth + 1)
        return node

    def _object(self, node: dict[str, Any], at: ClaimPath, depth: int,
                top: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "_sd" or (top and key == "_sd_alg"):
                continue
            if key in RESERVED:
                raise DisclosureError(f"the claim name {key!r} is reserved where it appears")
            out[key] = self._value(value, (*at, key), depth)
        digests = node.get("_sd", [])
        if not isinstance(digests, list):
            raise DisclosureError("_sd is not an array of digests (RFC 9901 §4.2.4.1)")
        for digest in digests:
            disclosure = self._claim(digest)
            if disclosure is None:
                continue
            if disclosure.name is None:
                raise DisclosureError("an array-element Disclosure is referenced from _sd")
            if disclosure.name in out:
                raise DisclosureError(f"the disclosed claim {disclosure.name!r} already exists "
                                      "in the same object")
            self.paths[disclosure.digest] = (*at, disclosure.name)
            out[disclosure.name] = self._value(disclosure.value, (*at, disclosure.name), depth)
        return out

    def _array(self, node: list[Any], at: ClaimPath, depth: int) -> list[Any]:
        out = []
        for index, item in enumerate(node):
            if isinstance(item, dict) and "..." in item:
                if len(item) != 1:
                    raise DisclosureError("an array element digest object has other keys "
                                          "besides '...' (RFC 9901 §4.2.4.2)")
                disclosure = self._claim(item["..."])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise DisclosureError("an object-property Disclosure is referenced from an "
                                          "array element")
                self.paths[disclosure.digest] = (*at, index)
                out.append(self._value(disclosure.value, (*at, index), depth))
            else:
                out.append(self._value(item, (*at, index), depth))
        return out


def process_disclosures(sd_jwt: SdJwt) -> tuple[dict[str, Any], dict[str, ClaimPath]]:
    """The processed payload and where each Disclosure sits (§7.1 step 3 to 5)."""
    alg = sd_jwt.jws.payload.get("_sd_alg", SD_ALG)  # §4.1.1: absent means sha-256
    if alg != SD_ALG:
        raise SdJwtFormatError(f"_sd_alg {str(alg)[:20]!r} is not supported; only sha-256")
    processor = _Processor(sd_jwt.disclosures)
    return processor.run(sd_jwt.jws.payload), processor.paths


@dataclass(frozen=True)
class VerifiedSdJwt:
    header: dict[str, Any]
    claims: dict[str, Any]  # the processed payload: signed claims plus the disclosed ones
    signed_payload: dict[str, Any]  # as signed, with digests
    disclosed: tuple[ClaimPath, ...]  # where each presented Disclosure put a claim
    key_binding: KeyBinding | None  # the verified KB-JWT, when one was presented
    issuer_key: PublicKey


def verify_sd_jwt(text: object, *, issuer_key: IssuerKeyResolver, typ: str,
                  key_binding: KeyBindingRequirement | None = None) -> VerifiedSdJwt:
    """RFC 9901 §7.1 and §7.3. `issuer_key` is given the parsed, unverified Issuer-signed JWT
    and returns the key that must have signed it (or raises). With `key_binding` a KB-JWT
    with that nonce and audience, recent, by the `cnf` key, is required; without it a
    presented KB-JWT is still checked (signature, typ, sd_hash) and returned."""
    sd_jwt = SdJwt.parse(text)
    try:
        sd_jwt.jws.require_typ(typ, "the Issuer-signed JWT")
    except JwsError as e:
        raise SdJwtFormatError(str(e)) from None
    key = issuer_key(sd_jwt.jws)
    try:
        sd_jwt.jws.verify(key, "the Issuer-signed JWT")
    except JwsSignatureError as e:
        raise SdJwtSignatureError(str(e)) from None
    except JwsError as e:
        raise SdJwtFormatError(str(e)) from None
    claims, paths = process_disclosures(sd_jwt)
    binding = verify_kb_jwt(sd_jwt.kb_jwt, sd_jwt.presented, claims.get("cnf"), key_binding)
    return VerifiedSdJwt(sd_jwt.jws.header, claims, sd_jwt.jws.payload,
                         tuple(sorted(paths.values(), key=str)), binding, key)


def _covers(path: ClaimPath, wanted: Iterable[ClaimPath]) -> bool:
    """A Disclosure is sent when it is a wanted claim, inside one, or on the way to one."""
    return any(path[: len(w)] == w or w[: len(path)] == path for w in wanted)


def present_sd_jwt(sd_jwt: str, *, disclose: Iterable[str | Iterable[str | int]] | None = None,
                   holder: JwsSigner | None = None, nonce: str | None = None,
                   audience: str | None = None, issued_at: int | None = None) -> str:
    """The holder's presentation (§4.3 and §6): the Disclosures for the `disclose` paths
    (None: all) and, with `holder`, a KB-JWT over exactly what is sent (§4.3.1)."""
    parsed = SdJwt.parse(sd_jwt)
    if parsed.kb_jwt is not None:
        raise SdJwtFormatError("present from the SD-JWT as issued, not from a presentation")
    _, paths = process_disclosures(parsed)
    chosen = parsed.disclosures
    if disclose is not None:
        wanted = [_as_path(p) for p in disclose]
        chosen = tuple(d for d in parsed.disclosures if _covers(paths[d.digest], wanted))
    presented = "~".join([parsed.jws.text, *(d.encoded for d in chosen), ""])
    if holder is None:
        return presented
    if nonce is None or audience is None:
        raise SdJwtFormatError("a Key Binding JWT needs the verifier's nonce and audience")
    return presented + make_kb_jwt(holder, presented, nonce, audience, issued_at)
