"""A competency framework as data: roles made of competency units, units of learning elements.

ECQA practice: a role is a skills card, a list of competency units; a unit groups learning
elements (knowledge, skills, attitudes) assessed together. A person passes a unit at or above its
`passThreshold` (percent of the maximum score) and holds a role once every unit of the role is
passed within `validityYears`. The reference framework is `frameworks/skills4cities-v1.json`;
another body may load its own from JSON (`load_framework`) or CSV (`schemas.framework_csv.load_units_csv`). No role or
unit is named in this code: they are all data.
"""
import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from os import PathLike
from pathlib import Path
from types import MappingProxyType

LANGUAGES = ("en", "bg", "ro", "el", "es", "de")
ELEMENT_KINDS = ("knowledge", "skill", "attitude")
REFERENCE_FRAMEWORK_PATH = Path(__file__).resolve().parent / "frameworks" / "skills4cities-v1.json"

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROLES = 100
MAX_UNITS = 500
MAX_ELEMENTS_PER_UNIT = 50
MAX_ESCO_PER_UNIT = 2
MAX_TEXT_CHARS = 4000

ESCO_OCCUPATION_PREFIXES = ("http://data.europa.eu/esco/occupation/",
                            "http://data.europa.eu/esco/isco/")
ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_ELEMENT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_VERSION = re.compile(r"\d{1,4}\.\d{1,4}\.\d{1,4}")
_HTTP_ID = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*[^\s?#/])?")
_ESCO_TAIL = re.compile(r"[A-Za-z0-9._-]{1,64}")


class FrameworkError(ValueError):
    """A framework that cannot be used; the message names the item and the field."""


Text = Mapping[str, str]
"""Language tag -> text, e.g. {"en": "IoT and urban data", "de": "IoT und urbane Daten"}."""


def localized(texts: Text, lang: str) -> str:
    """The text in `lang`, else English (always present)."""
    return texts.get(lang) or texts["en"]


@dataclass(frozen=True)
class EscoLink:
    uri: str
    label: str


@dataclass(frozen=True)
class LearningElement:
    code: str
    kind: str
    text: Text


@dataclass(frozen=True)
class Unit:
    code: str
    id: str
    name: Text
    description: Text
    eqf_level: int
    pass_threshold: int
    esco: tuple[EscoLink, ...]
    elements: tuple[LearningElement, ...]


@dataclass(frozen=True)
class Role:
    code: str
    id: str
    name: Text
    description: Text
    eqf_level: int
    esco: EscoLink | None
    units: tuple[str, ...]
    # the role's badge (Open Badges 3.0 `Achievement.image`): an SVG or PNG data URI
    badge: str | None = None


@dataclass(frozen=True)
class Framework:
    id: str
    version: str
    code: str
    name: Text
    publisher: str
    validity_years: int
    roles: tuple[Role, ...]
    units: tuple[Unit, ...]
    note: str | None = None

    @cached_property
    def _roles(self) -> dict[str, Role]:
        return {r.code: r for r in self.roles}

    @cached_property
    def _units(self) -> dict[str, Unit]:
        return {u.code: u for u in self.units}

    def role(self, code: str) -> Role:
        try:
            return self._roles[code]
        except KeyError:
            raise KeyError(f"framework {self.id} has no role {code!r}") from None

    def unit(self, code: str) -> Unit:
        try:
            return self._units[code]
        except KeyError:
            raise KeyError(f"framework {self.id} has no unit {code!r}") from None

    def units_of(self, role_code: str) -> tuple[Unit, ...]:
        """The units of a role's skills card, in the card's order."""
        return tuple(self._units[c] for c in self.role(role_code).units)

    def roles_with_unit(self, code: str) -> tuple[Role, ...]:
        self.unit(code)
        return tuple(r for r in self.roles if code in r.units)

    def to_dict(self) -> dict:
        """The framework in its JSON shape; `load_framework(fw.to_dict()) == fw`."""
        out: dict = {"id": self.id, "version": self.version, "code": self.code}
        if self.note is not None:
            out["note"] = self.note
        out |= {"name": dict(self.name), "publisher": self.publisher,
                "validityYears": self.validity_years}
        out["roles"] = [_role_dict(r) for r in self.roles]
        out["units"] = [_unit_dict(u) for u in self.units]
        return out


def _esco_dict(link: EscoLink) -> dict:
    return {"uri": link.uri, "label": link.label}


def _role_dict(r: Role) -> dict:
    out = {"code": r.code, "id": r.id, "name": dict(r.name), "description": dict(r.description),
           "eqfLevel": r.eqf_level}
    if r.esco is not None:
        out["esco"] = _esco_dict(r.esco)
    if r.badge is not None:
        out["badge"] = r.badge
    return out | {"units": list(r.units)}


def _unit_dict(u: Unit) -> dict:
    return {"code": u.code, "id": u.id, "name": dict(u.name), "description": dict(u.description),
            "eqfLevel": u.eqf_level, "passThreshold": u.pass_threshold,
            "esco": [_esco_dict(e) for e in u.esco],
            "elements": [{"code": e.code, "kind": e.kind, "text": dict(e.text)}
                         for e in u.elements]}


# --- validation ------------------------------------------------------------------------------

def _fields(raw: object, where: str, required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> Mapping:
    if not isinstance(raw, Mapping):
        raise FrameworkError(f"{where}: must be a JSON object")
    for key in required:
        if key not in raw:
            raise FrameworkError(f"{where}: {key} is missing")
    unknown = sorted(str(k) for k in raw if k not in required and k not in optional)
    if unknown:
        raise FrameworkError(f"{where}: unknown field {unknown[0]!r} "
                             f"(allowed: {', '.join(required + optional)})")
    return raw


def _item_name(raw: object, kind: str, fallback: str, pattern: re.Pattern = _CODE) -> str:
    """'unit U03' when the item has a usable code, else its position, e.g. 'units[2]'."""
    code = raw.get("code") if isinstance(raw, Mapping) else None
    return f"{kind} {code}" if isinstance(code, str) and pattern.fullmatch(code) else fallback


def _string(value: object, where: str, field: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FrameworkError(f"{where}: {field} must be a non-empty string")
    if len(value) > max_chars:
        raise FrameworkError(f"{where}: {field} is longer than {max_chars} characters")
    return value


def _code(value: object, where: str, field: str = "code", pattern: re.Pattern = _CODE) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise FrameworkError(f"{where}: {field} {value!r} must be letters, digits, '-' or '_'")
    return value


def _int(value: object, where: str, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FrameworkError(f"{where}: {field} must be between {low} and {high}, got {value!r}")
    return value


def _texts(value: object, where: str, field: str, require_languages: bool) -> Text:
    if not isinstance(value, Mapping):
        raise FrameworkError(f"{where}: {field} must be an object of language -> text")
    for lang, text in value.items():
        if not isinstance(lang, str) or not _LANG.fullmatch(lang):
            raise FrameworkError(f"{where}: {field} has an invalid language tag {lang!r}")
        _string(text, where, f"{field}.{lang}")
    if "en" not in value:
        raise FrameworkError(f"{where}: {field} has no English (en) text")
    missing = [lang for lang in LANGUAGES if lang not in value]
    if require_languages and missing:
        raise FrameworkError(
            f"{where}: {field} lacks the {missing[0]} translation (the reference framework needs "
            f"all of {', '.join(LANGUAGES)}; load with require_languages=False to allow gaps)")
    return MappingProxyType(dict(value))


def _esco(value: object, where: str, prefixes: tuple[str, ...]) -> EscoLink:
    raw = _fields(value, f"{where} esco", ("uri", "label"))
    uri = _string(raw["uri"], where, "esco.uri", 200)
    prefix = next((p for p in prefixes if uri.startswith(p)), None)
    if prefix is None or not _ESCO_TAIL.fullmatch(uri[len(prefix):]):
        raise FrameworkError(f"{where}: esco.uri {uri!r} must start with {' or '.join(prefixes)}")
    return EscoLink(uri, _string(raw["label"], where, "esco.label", 300))


def _element(raw: object, where: str, unit_code: str, require_languages: bool) -> LearningElement:
    where = _item_name(raw, f"unit {unit_code} element", where, _ELEMENT_CODE)
    raw = _fields(raw, where, ("code", "kind", "text"))
    code = _code(raw["code"], where, pattern=_ELEMENT_CODE)
    if not code.startswith(unit_code + "."):
        raise FrameworkError(f"{where}: code must start with {unit_code + '.'!r} "
                             f"(e.g. {unit_code}.K1)")
    if raw["kind"] not in ELEMENT_KINDS:
        raise FrameworkError(f"{where}: kind {raw['kind']!r} is not one of "
                             f"{', '.join(ELEMENT_KINDS)}")
    return LearningElement(code, raw["kind"], _texts(raw["text"], where, "text", require_languages))


def _unit(raw: object, index: int, fw_id: str, require_languages: bool) -> Unit:
    where = _item_name(raw, "unit", f"units[{index}]")
    raw = _fields(raw, where, ("code", "id", "name", "description", "eqfLevel", "passThreshold",
                               "elements"), ("esco",))
    code = _code(raw["code"], where)
    if raw["id"] != f"{fw_id}/units/{code}":
        raise FrameworkError(f"{where}: id must be {fw_id}/units/{code}, got {raw['id']!r}")
    esco = raw.get("esco", [])
    if not isinstance(esco, list) or len(esco) > MAX_ESCO_PER_UNIT:
        raise FrameworkError(f"{where}: esco must be a list of at most {MAX_ESCO_PER_UNIT} links")
    elements = raw["elements"]
    if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_ELEMENTS_PER_UNIT:
        raise FrameworkError(f"{where}: elements must be a list of 1 to "
                             f"{MAX_ELEMENTS_PER_UNIT} learning elements")
    parsed = tuple(_element(e, f"{where} elements[{i}]", code, require_languages)
                   for i, e in enumerate(elements))
    _unique([e.code for e in parsed], f"{where}: duplicate element code")
    return Unit(code=code, id=raw["id"],
                name=_texts(raw["name"], where, "name", require_languages),
                description=_texts(raw["description"], where, "description", require_languages),
                eqf_level=_int(raw["eqfLevel"], where, "eqfLevel", 1, 8),
                pass_threshold=_int(raw["passThreshold"], where, "passThreshold", 1, 100),
                esco=tuple(_esco(e, where, (ESCO_SKILL_PREFIX,)) for e in esco),
                elements=parsed)


def _role(raw: object, index: int, fw_id: str, units: Mapping[str, Unit],
          require_languages: bool) -> Role:
    where = _item_name(raw, "role", f"roles[{index}]")
    raw = _fields(raw, where, ("code", "id", "name", "description", "eqfLevel", "units"),
                  ("esco", "badge"))
    code = _code(raw["code"], where)
    if raw["id"] != f"{fw_id}/roles/{code}":
        raise FrameworkError(f"{where}: id must be {fw_id}/roles/{code}, got {raw['id']!r}")
    card = raw["units"]
    if not isinstance(card, list) or not card or len(card) > MAX_UNITS:
        raise FrameworkError(f"{where}: units must be a non-empty list of unit codes")
    for unit_code in card:
        if not isinstance(unit_code, str) or unit_code not in units:
            raise FrameworkError(f"{where}: unit {unit_code!r} is not defined in the framework")
    _unique(card, f"{where}: unit listed twice:")
    esco = raw.get("esco")
    return Role(code=code, id=raw["id"],
                name=_texts(raw["name"], where, "name", require_languages),
                description=_texts(raw["description"], where, "description", require_languages),
                eqf_level=_int(raw["eqfLevel"], where, "eqfLevel", 1, 8),
                esco=None if esco is None else _esco(esco, where, ESCO_OCCUPATION_PREFIXES),
                units=tuple(card),
                badge=None if raw.get("badge") is None else _badge(raw["badge"], where))


BADGE_PREFIXES = ("data:image/svg+xml;base64,", "data:image/png;base64,")
MAX_BADGE_CHARS = 16_000  # it is signed into every role credential: kept small
_SVG_ACTIVE = re.compile(r"<script|javascript:|\son\w+\s*=|<foreignObject|(?:xlink:)?href\s*=\s*"
                         r"[\"'](?!#)", re.IGNORECASE)


def _badge(value: object, where: str) -> str:
    """A role's badge: an SVG or PNG data URI, small, and for SVG a picture only (no script,
    event handler, foreign object or outside reference: it is shown wherever the credential
    goes)."""
    if not isinstance(value, str) or not value.startswith(BADGE_PREFIXES) \
            or len(value) > MAX_BADGE_CHARS:
        raise FrameworkError(f"{where}: badge must be an SVG or PNG data URI (base64) of at "
                             f"most {MAX_BADGE_CHARS} characters")
    try:
        data = base64.b64decode(value.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise FrameworkError(f"{where}: badge is not valid base64") from None
    if value.startswith(BADGE_PREFIXES[1]):
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise FrameworkError(f"{where}: badge is not a PNG image")
        return value
    try:
        svg = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FrameworkError(f"{where}: badge is not UTF-8 SVG") from None
    if not svg.lstrip().startswith("<svg") or _SVG_ACTIVE.search(svg):
        raise FrameworkError(f"{where}: badge must be a plain SVG picture (no script, event "
                             "handler, foreignObject or outside link)")
    return value


def _unique(codes: list[str], message: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise FrameworkError(f"{message} {code}")
        seen.add(code)


def _from_dict(raw: object, require_languages: bool) -> Framework:
    where = "framework"
    raw = _fields(raw, where, ("id", "version", "code", "name", "publisher", "validityYears",
                               "roles", "units"), ("note",))
    fw_id = raw["id"]
    if not isinstance(fw_id, str) or len(fw_id) > 200 or not _HTTP_ID.fullmatch(fw_id):
        raise FrameworkError(f"{where}: id {fw_id!r} must be an http(s) URL without a query, "
                             "fragment or trailing slash")
    if not isinstance(raw["version"], str) or not _VERSION.fullmatch(raw["version"]):
        raise FrameworkError(f"{where}: version {raw['version']!r} must look like 1.0.0")
    note = raw.get("note")
    if note is not None:
        _string(note, where, "note")
    units, roles = raw["units"], raw["roles"]
    if not isinstance(units, list) or not 1 <= len(units) <= MAX_UNITS:
        raise FrameworkError(f"{where}: units must be a list of 1 to {MAX_UNITS} units")
    if not isinstance(roles, list) or not 1 <= len(roles) <= MAX_ROLES:
        raise FrameworkError(f"{where}: roles must be a list of 1 to {MAX_ROLES} roles")
    parsed_units = tuple(_unit(u, i, fw_id, require_languages) for i, u in enumerate(units))
    _unique([u.code for u in parsed_units], "duplicate unit code")
    _unique([e.code for u in parsed_units for e in u.elements], "duplicate element code")
    by_code = {u.code: u for u in parsed_units}
    parsed_roles = tuple(_role(r, i, fw_id, by_code, require_languages)
                         for i, r in enumerate(roles))
    _unique([r.code for r in parsed_roles], "duplicate role code")
    return Framework(id=fw_id, version=raw["version"], code=_code(raw["code"], where),
                     name=_texts(raw["name"], where, "name", require_languages),
                     publisher=_string(raw["publisher"], where, "publisher", 300),
                     validity_years=_int(raw["validityYears"], where, "validityYears", 1, 20),
                     roles=parsed_roles, units=parsed_units, note=note)


def _read_bounded(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FrameworkError(f"{path.name} is larger than {MAX_FILE_BYTES} bytes")
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise FrameworkError(f"cannot read {path}: {e.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise FrameworkError(f"{path.name} is larger than {MAX_FILE_BYTES} bytes")
    return data


def load_framework(source: str | PathLike | Mapping, *,
                   require_languages: bool = True) -> Framework:
    """Loads and checks a framework from a JSON file or an already parsed dict.

    `require_languages=True` (for the reference framework) makes every name, description and
    element text need all of LANGUAGES; with False only English is required.
    """
    if isinstance(source, Mapping):
        return _from_dict(source, require_languages)
    if not isinstance(source, str | PathLike):
        raise FrameworkError("a framework is a JSON file path or a JSON object")
    path = Path(source)
    try:
        raw = json.loads(_read_bounded(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise FrameworkError(f"{path.name} is not valid UTF-8 JSON: {e}") from None
    return _from_dict(raw, require_languages)


@cache
def load_reference_framework() -> Framework:
    """The Skills4Cities reference framework, loaded and checked once per process."""
    return load_framework(REFERENCE_FRAMEWORK_PATH, require_languages=True)
