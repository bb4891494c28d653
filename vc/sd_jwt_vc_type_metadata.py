"""SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §6) and `#integrity` (§7).

Why: the issuer serves one document per `vct` telling wallets how to show the credential
(`display` per locale, §6.7) and, per claim (`claims`, §6.8), its label per locale and
whether it is selectively disclosable (`sd`: always, allowed, never, §6.8.5). The issuer
builds the document from `TypeMetadata`, puts its integrity string in `vct#integrity`, and can
derive the disclosable paths from `sd: always`; a verifier can check a credential against it.

`extends` is modelled but not followed here (no network): a verifier that needs it resolves
the chain itself. Rendering (`rendering`) is carried through untouched.
"""
import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vc.codes import ErrorCode
from vc.errors import VCError

SD_VALUES = ("always", "allowed", "never")
PathComponent = str | int | None
_ALGORITHMS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class TypeMetadataError(VCError):
    """A Type Metadata document is malformed, fails its integrity, or the credential breaks
    its claim rules."""

    code = ErrorCode.SD_JWT_TYPE_METADATA


@dataclass(frozen=True)
class ClaimDisplay:
    locale: str
    label: str
    description: str | None = None


@dataclass(frozen=True)
class ClaimMetadata:
    path: tuple[PathComponent, ...]
    display: tuple[ClaimDisplay, ...] = ()
    sd: str | None = None  # None: omitted, which means "allowed"
    mandatory: bool = False
    svg_id: str | None = None


@dataclass(frozen=True)
class TypeDisplay:
    locale: str
    name: str
    description: str | None = None
    rendering: dict[str, Any] | None = None


@dataclass(frozen=True)
class TypeMetadata:
    vct: str
    name: str | None = None
    description: str | None = None
    extends: str | None = None
    extends_integrity: str | None = None
    display: tuple[TypeDisplay, ...] = ()
    claims: tuple[ClaimMetadata, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"vct": self.vct}
        for key, value in (("name", self.name), ("description", self.description),
                           ("extends", self.extends),
                           ("extends#integrity", self.extends_integrity)):
            if value is not None:
                out[key] = value
        if self.display:
            out["display"] = [_drop_none({"locale": d.locale, "name": d.name,
                                          "description": d.description,
                                          "rendering": d.rendering}) for d in self.display]
        if self.claims:
            out["claims"] = [_drop_none({
                "path": list(c.path),
                "display": [_drop_none({"locale": d.locale, "label": d.label,
                                        "description": d.description}) for d in c.display]
                or None,
                "mandatory": True if c.mandatory else None,
                "sd": c.sd, "svg_id": c.svg_id}) for c in self.claims]
        return out

    def to_bytes(self) -> bytes:
        """The served representation; its integrity is over exactly these octets (§7)."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1).encode("utf-8")

    def always_disclosable(self) -> list[tuple[PathComponent, ...]]:
        """The paths the issuer MUST make selectively disclosable (§6.8.5 `always`)."""
        return [c.path for c in self.claims if c.sd == "always"]

    @classmethod
    def from_json(cls, value: object) -> "TypeMetadata":
        """§6.2 and §6.8: the structure checked; properties not understood are ignored."""
        if not isinstance(value, Mapping):
            raise TypeMetadataError("Type Metadata must be a JSON object")
        vct = value.get("vct")
        if not isinstance(vct, str) or not vct:
            raise TypeMetadataError("Type Metadata has no vct")
        return cls(vct=vct, name=_opt_str(value, "name"),
                   description=_opt_str(value, "description"),
                   extends=_opt_str(value, "extends"),
                   extends_integrity=_opt_str(value, "extends#integrity"),
                   display=tuple(_type_display(d) for d in _array(value, "display")),
                   claims=tuple(_claim(c) for c in _array(value, "claims")))


def _drop_none(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}


def _opt_str(node: Mapping[str, Any], key: str) -> str | None:
    value = node.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeMetadataError(f"{key} must be a string")
    return value


def _array(node: Mapping[str, Any], key: str) -> list[Any]:
    value = node.get(key, [])
    if not isinstance(value, list):
        raise TypeMetadataError(f"{key} must be an array")
    return value


def _required_str(node: Mapping[str, Any], key: str, what: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value:
        raise TypeMetadataError(f"{what} needs a {key} string")
    return value


def _type_display(node: object) -> TypeDisplay:
    if not isinstance(node, Mapping):
        raise TypeMetadataError("a display entry must be an object")
    rendering = node.get("rendering")
    if rendering is not None and not isinstance(rendering, dict):
        raise TypeMetadataError("rendering must be an object")
    return TypeDisplay(_required_str(node, "locale", "a display entry"),
                       _required_str(node, "name", "a display entry"),
                       _opt_str(node, "description"), rendering)


def _claim(node: object) -> ClaimMetadata:
    if not isinstance(node, Mapping):
        raise TypeMetadataError("a claims entry must be an object")
    path = node.get("path")
    if not isinstance(path, list) or not path or not all(
            p is None or isinstance(p, str)
            or (isinstance(p, int) and not isinstance(p, bool) and p >= 0) for p in path):
        raise TypeMetadataError("a claim path must be a non-empty array of strings, nulls and "
                                "non-negative integers (§6.8.1)")
    sd = node.get("sd")
    if sd is not None and sd not in SD_VALUES:
        raise TypeMetadataError(f"sd must be one of {SD_VALUES}")
    mandatory = node.get("mandatory", False)
    if not isinstance(mandatory, bool):
        raise TypeMetadataError("mandatory must be a boolean")
    displays = []
    for d in _array(node, "display"):
        if not isinstance(d, Mapping):
            raise TypeMetadataError("a claim display entry must be an object")
        displays.append(ClaimDisplay(_required_str(d, "locale", "a claim display entry"),
                                     _required_str(d, "label", "a claim display entry"),
                                     _opt_str(d, "description")))
    return ClaimMetadata(tuple(path), tuple(displays), sd, mandatory, _opt_str(node, "svg_id"))


def integrity(document: bytes, algorithm: str = "sha256") -> str:
    """A W3C SRI integrity metadata string (`sha256-<base64>`) for exactly these octets."""
    digest = _ALGORITHMS[algorithm](document).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode('ascii')}"


def integrity_matches(value: object, document: bytes) -> bool:
    """§7: use the strongest supported algorithm among the hash expressions; any of its
    digests matching is a match. Unsupported only: no match."""
    if not isinstance(value, str) or len(value) > 1000:
        return False
    expressions: dict[str, list[str]] = {}
    for token in value.split():
        algorithm, _, rest = token.partition("-")
        if algorithm in _ALGORITHMS:
            expressions.setdefault(algorithm, []).append(rest.split("?", 1)[0])
    for algorithm in ("sha512", "sha384", "sha256"):
        if algorithm in expressions:
            digest = base64.b64encode(_ALGORITHMS[algorithm](document).digest()).decode()
            return any(hmac.compare_digest(digest, d) for d in expressions[algorithm])
    return False


def check_selective_disclosure(metadata: TypeMetadata,
                               disclosed: tuple[tuple[str | int, ...], ...],
                               claims: Mapping[str, Any]) -> None:
    """§6.8: a claim with `sd: never` that arrived in a Disclosure, or one with `sd: always`
    present in the processed claims but not from a Disclosure, breaks the type's rules."""
    disclosed_set = set(disclosed)
    for rule in metadata.claims:
        if rule.sd not in ("always", "never"):
            continue
        for path in _select(claims, rule.path):
            if rule.sd == "never" and path in disclosed_set:
                raise TypeMetadataError(f"the claim {list(path)} is selectively disclosed; its "
                                        "type says never")
            if rule.sd == "always" and path not in disclosed_set:
                raise TypeMetadataError(f"the claim {list(path)} is not selectively "
                                        "disclosable; its type says always")


def _select(claims: Mapping[str, Any],
            path: tuple[PathComponent, ...]) -> list[tuple[str | int, ...]]:
    """§6.8.1.2, on the processed claims, returning the concrete paths selected. Indexes
    count the elements present (an undisclosed element is absent here)."""
    selected: list[tuple[tuple[str | int, ...], Any]] = [((), claims)]
    for component in path:
        following: list[tuple[tuple[str | int, ...], Any]] = []
        for at, node in selected:
            if isinstance(component, str):
                if not isinstance(node, Mapping):
                    raise TypeMetadataError(f"claim path {list(path)} selects into a non-object")
                if component in node:
                    following.append(((*at, component), node[component]))
            else:
                if not isinstance(node, list):
                    raise TypeMetadataError(f"claim path {list(path)} selects into a non-array")
                indexes = range(len(node)) if component is None else \
                    [component] if component < len(node) else []
                following.extend(((*at, i), node[i]) for i in indexes)
        selected = following
    return [at for at, _ in selected]
