"""Loading another body's framework from CSV files (units, learning elements).

The framework's metadata (id, version, names, roles) comes as a small dict; units and
their learning elements come from two CSV files, documented on `load_units_csv`. Errors
name the file and line.
"""
import csv
import io
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

from schemas.framework import (
    _ELEMENT_CODE,
    ELEMENT_KINDS,
    ESCO_SKILL_PREFIX,
    MAX_ELEMENTS_PER_UNIT,
    MAX_ESCO_PER_UNIT,
    MAX_ROLES,
    MAX_UNITS,
    Framework,
    FrameworkError,
    _code,
    _esco,
    _esco_dict,
    _fields,
    _read_bounded,
    _texts,
    _unique,
    load_framework,
)


def _csv_rows(path: Path, required: tuple[str, ...], prefixes: tuple[str, ...]):
    """(line number, row) for each record; the header is line 1."""
    name = path.name
    try:
        text = _read_bounded(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FrameworkError(f"{name} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
        if not header:
            raise FrameworkError(f"{name} is empty: the first line must name the columns")
        for column in header:
            if column not in required and not column.startswith(prefixes):
                raise FrameworkError(f"{name}: unknown column {column!r}")
        _unique(list(header), f"{name}: column named twice:")
        for column in required:
            if column not in header:
                raise FrameworkError(f"{name}: column {column} is missing")
        for row in reader:
            if None in row:
                raise FrameworkError(f"{name} line {reader.line_num}: more cells than columns")
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}
    except csv.Error as e:
        raise FrameworkError(f"{name} line {reader.line_num}: {e}") from None


def _csv_int(row: Mapping, column: str, where: str, low: int, high: int) -> int:
    value = row[column]
    digits = value.lstrip("0") or "0"  # int() refuses a 4,301-digit cell with a ValueError
    if not (value.isascii() and value.isdigit()) or len(digits) > len(str(high)) \
            or not low <= int(digits) <= high:
        shown = value[:20] + ("..." if len(value) > 20 else "")
        raise FrameworkError(f"{where}: {column} {shown or '(empty)'} is not {low}..{high}")
    return int(digits)


def _csv_texts(row: Mapping, prefix: str, where: str, require_languages: bool) -> dict:
    texts = {k[len(prefix):]: v for k, v in row.items() if k.startswith(prefix) and v}
    return dict(_texts(texts, where, prefix.rstrip("_"), require_languages))


def _csv_unit(row: Mapping, where: str, fw_id: str, role_codes: set[str],
              require_languages: bool) -> tuple[dict, list[str]]:
    code = _code(row["code"], where)
    roles = [c.strip() for c in row["role_codes"].split(";") if c.strip()]
    for role in roles:
        if role not in role_codes:
            raise FrameworkError(f"{where}: role {role} is not in the framework metadata")
    esco = []
    for n in range(1, MAX_ESCO_PER_UNIT + 1):
        uri, label = row.get(f"esco_uri_{n}", ""), row.get(f"esco_label_{n}", "")
        if uri or label:
            esco.append(_esco_dict(_esco({"uri": uri, "label": label}, where,
                                         (ESCO_SKILL_PREFIX,))))
    unit = {"code": code, "id": f"{fw_id}/units/{code}",
            "name": _csv_texts(row, "name_", where, require_languages),
            "description": _csv_texts(row, "description_", where, require_languages),
            "eqfLevel": _csv_int(row, "eqf_level", where, 1, 8),
            "passThreshold": _csv_int(row, "pass_threshold", where, 1, 100),
            "esco": esco, "elements": []}
    return unit, roles


def load_units_csv(framework_meta: Mapping, units_csv: str | PathLike,
                   elements_csv: str | PathLike, *, require_languages: bool = False) -> Framework:
    """Loads another body's framework: metadata as a dict, units and elements from CSV files.

    `framework_meta` holds the JSON framework's top-level fields (id, version, code, name,
    publisher, validityYears, optional note) and its roles without their `units` (a role's `id`
    may be left out: it is derived from the framework id). The CSV files are UTF-8 with a header:

    - units.csv: code, role_codes (role codes separated by ';'), eqf_level (1..8),
      pass_threshold (1..100, percent of the maximum score), name_en, name_bg, name_ro, name_el,
      name_es, name_de, description_en, ..., description_de, and optionally esco_uri_1,
      esco_label_1, esco_uri_2, esco_label_2 (ESCO skill links).
    - elements.csv: unit_code, code (e.g. K1 or U01.K1), kind (knowledge, skill or attitude),
      text_en, text_bg, ..., text_de.

    Only the English columns are required; an empty cell is a missing translation. Errors name
    the file and line, e.g. "units.csv line 4: eqf_level 9 is not 1..8".
    """
    meta = _fields(framework_meta, "framework_meta",
                   ("id", "version", "code", "name", "publisher", "validityYears", "roles"),
                   ("note",))
    fw_id = meta["id"]
    if not isinstance(meta["roles"], list) or len(meta["roles"]) > MAX_ROLES:
        raise FrameworkError(f"framework_meta: roles must be a list of at most {MAX_ROLES}")
    roles = []
    for i, role in enumerate(meta["roles"]):
        if not isinstance(role, Mapping) or "units" in role:
            raise FrameworkError(f"framework_meta roles[{i}]: must be an object without 'units' "
                                 "(a role's units come from the role_codes column of units.csv)")
        roles.append({"id": f"{fw_id}/roles/{role.get('code')}"} | dict(role) | {"units": []})
    by_role = {r["code"]: r for r in roles if isinstance(r.get("code"), str)}

    units: dict[str, dict] = {}
    units_path = Path(units_csv)
    for line, row in _csv_rows(units_path, ("code", "role_codes", "eqf_level", "pass_threshold",
                                            "name_en", "description_en"),
                               ("name_", "description_", "esco_uri_", "esco_label_")):
        where = f"{units_path.name} line {line}"
        if len(units) >= MAX_UNITS:
            raise FrameworkError(f"{where}: more than {MAX_UNITS} units")
        unit, unit_roles = _csv_unit(row, where, fw_id, set(by_role), require_languages)
        if unit["code"] in units:
            raise FrameworkError(f"{where}: duplicate unit code {unit['code']}")
        units[unit["code"]] = unit
        for role in unit_roles:
            by_role[role]["units"].append(unit["code"])

    elements_path = Path(elements_csv)
    for line, row in _csv_rows(elements_path, ("unit_code", "code", "kind", "text_en"),
                               ("text_",)):
        where = f"{elements_path.name} line {line}"
        owner = units.get(row["unit_code"])
        if owner is None:
            raise FrameworkError(f"{where}: unit {row['unit_code'] or '(empty)'} is not in "
                                 f"{units_path.name}")
        if len(owner["elements"]) >= MAX_ELEMENTS_PER_UNIT:
            raise FrameworkError(f"{where}: unit {owner['code']} has more than "
                                 f"{MAX_ELEMENTS_PER_UNIT} elements")
        code = row["code"] if row["code"].startswith(owner["code"] + ".") \
            else f"{owner['code']}.{row['code']}"
        if row["kind"] not in ELEMENT_KINDS:
            raise FrameworkError(f"{where}: kind {row['kind'] or '(empty)'} is not one of "
                                 f"{', '.join(ELEMENT_KINDS)}")
        if any(e["code"] == code for e in owner["elements"]):
            raise FrameworkError(f"{where}: duplicate element code {code}")
        owner["elements"].append({"code": _code(code, where, pattern=_ELEMENT_CODE),
                                  "kind": row["kind"],
                                  "text": _csv_texts(row, "text_", where, require_languages)})
    for unit in units.values():
        if not unit["elements"]:
            raise FrameworkError(f"{elements_path.name}: unit {unit['code']} has no elements")
    return load_framework(dict(meta) | {"roles": roles, "units": list(units.values())},
                          require_languages=require_languages)
