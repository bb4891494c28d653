"""The competency framework: the reference data loads, and broken frameworks fail clearly."""
import copy
import json

import pytest

from schemas.framework import (
    LANGUAGES,
    MAX_ELEMENTS_PER_UNIT,
    MAX_FILE_BYTES,
    MAX_UNITS,
    REFERENCE_FRAMEWORK_PATH,
    Framework,
    FrameworkError,
    load_framework,
    load_reference_framework,
    localized,
)
from schemas.framework_csv import load_units_csv

FW_ID = "https://w3id.org/skills4cities/framework/v1"


@pytest.fixture
def raw() -> dict:
    return json.loads(REFERENCE_FRAMEWORK_PATH.read_text(encoding="utf-8"))


def unit_of(raw: dict, code: str) -> dict:
    return next(u for u in raw["units"] if u["code"] == code)


def role_of(raw: dict, code: str) -> dict:
    return next(r for r in raw["roles"] if r["code"] == code)


def test_reference_framework_loads_with_its_three_roles_and_eqf_levels():
    fw = load_reference_framework()
    assert isinstance(fw, Framework)
    assert fw.id == FW_ID and fw.code == "S4C" and fw.validity_years == 3
    assert {r.code: r.eqf_level for r in fw.roles} == {"SCPD": 5, "SCPM": 6, "SCPMC": 7}
    assert fw.role("SCPM").name["en"] == "Smart City Project Manager"
    assert fw.role("SCPM").id == f"{FW_ID}/roles/SCPM"
    assert load_reference_framework() is fw


def test_every_role_card_lists_existing_units_and_units_are_shared():
    fw = load_reference_framework()
    assert 10 <= len(fw.units) <= 12
    for role in fw.roles:
        assert 5 <= len(role.units) <= 7
        assert [u.code for u in fw.units_of(role.code)] == list(role.units)
    assert any(len(fw.roles_with_unit(u.code)) > 1 for u in fw.units)
    for unit in fw.units:
        assert 3 <= len(unit.elements) <= 6
        assert unit.pass_threshold == 60 and unit.id == f"{FW_ID}/units/{unit.code}"
        assert {"knowledge", "skill", "attitude"} <= {e.kind for e in unit.elements}
        assert all(e.uri.startswith("http://data.europa.eu/esco/skill/") for e in unit.esco)


def test_all_six_languages_are_present_everywhere():
    fw = load_reference_framework()
    texts = [fw.name]
    texts += [t for r in fw.roles for t in (r.name, r.description)]
    texts += [t for u in fw.units for t in (u.name, u.description)]
    texts += [e.text for u in fw.units for e in u.elements]
    for text in texts:
        assert tuple(text) == LANGUAGES
        assert all(value.strip() for value in text.values())
    assert localized(fw.role("SCPD").name, "de") == "Smart-City-Projektentwickler/in"
    assert localized(fw.role("SCPD").name, "fr") == "Smart City Project Developer"


def test_to_dict_round_trips(raw):
    fw = load_reference_framework()
    assert fw.to_dict() == raw
    assert load_framework(fw.to_dict()) == fw


def test_lookups_of_unknown_codes_name_the_code():
    fw = load_reference_framework()
    with pytest.raises(KeyError, match="no role 'XYZ'"):
        fw.role("XYZ")
    with pytest.raises(KeyError, match="no unit 'U99'"):
        fw.roles_with_unit("U99")


def test_a_role_referring_to_a_missing_unit_is_refused(raw):
    role_of(raw, "SCPM")["units"].append("U99")
    with pytest.raises(FrameworkError, match="role SCPM: unit 'U99' is not defined"):
        load_framework(raw)


def test_duplicate_unit_code_is_refused(raw):
    raw["units"].append(copy.deepcopy(unit_of(raw, "U03")))
    with pytest.raises(FrameworkError, match="duplicate unit code U03"):
        load_framework(raw)


def test_duplicate_role_code_is_refused(raw):
    raw["roles"].append(copy.deepcopy(role_of(raw, "SCPD")))
    with pytest.raises(FrameworkError, match="duplicate role code SCPD"):
        load_framework(raw)


@pytest.mark.parametrize("threshold", [0, 101, "60", True])
def test_pass_threshold_out_of_range_is_refused(raw, threshold):
    unit_of(raw, "U03")["passThreshold"] = threshold
    with pytest.raises(FrameworkError, match="unit U03: passThreshold must be between 1 and 100"):
        load_framework(raw)


@pytest.mark.parametrize("level", [0, 9, 6.5, None])
def test_bad_eqf_level_is_refused(raw, level):
    role_of(raw, "SCPMC")["eqfLevel"] = level
    with pytest.raises(FrameworkError, match="role SCPMC: eqfLevel must be between 1 and 8"):
        load_framework(raw)


def test_missing_english_name_is_refused_even_without_language_requirement(raw):
    del unit_of(raw, "U05")["name"]["en"]
    with pytest.raises(FrameworkError, match=r"unit U05: name has no English \(en\) text"):
        load_framework(raw, require_languages=False)


def test_missing_translation_is_an_error_only_for_the_reference_framework(raw):
    del role_of(raw, "SCPD")["description"]["el"]
    with pytest.raises(FrameworkError, match="role SCPD: description lacks the el translation"):
        load_framework(raw)
    fw = load_framework(raw, require_languages=False)
    assert "el" not in fw.role("SCPD").description
    assert localized(fw.role("SCPD").description, "el").startswith("Identifies")


def test_ids_must_derive_from_the_framework_id(raw):
    unit_of(raw, "U01")["id"] = "https://example.org/units/U01"
    with pytest.raises(FrameworkError, match=f"unit U01: id must be {FW_ID}/units/U01"):
        load_framework(raw)


def test_element_kind_and_code_are_checked(raw):
    unit_of(raw, "U02")["elements"][0]["kind"] = "competence"
    with pytest.raises(FrameworkError, match="unit U02 element U02.K1: kind 'competence'"):
        load_framework(raw)


def test_unknown_field_is_refused_so_typos_are_not_ignored(raw):
    unit_of(raw, "U04")["passThreshhold"] = 60
    with pytest.raises(FrameworkError, match="unit U04: unknown field 'passThreshhold'"):
        load_framework(raw)


def test_size_bounds(raw, tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(FrameworkError, match="larger than"):
        load_framework(big)
    unit = unit_of(raw, "U01")
    unit["elements"] = [dict(unit["elements"][0], code=f"U01.E{i}")
                        for i in range(MAX_ELEMENTS_PER_UNIT + 1)]
    with pytest.raises(FrameworkError, match="unit U01: elements must be a list of 1 to 50"):
        load_framework(raw)
    raw["units"] = [dict(unit, code=f"X{i}", id=f"{FW_ID}/units/X{i}")
                    for i in range(MAX_UNITS + 1)]
    with pytest.raises(FrameworkError, match="units must be a list of 1 to 500"):
        load_framework(raw)


def test_invalid_json_file_is_a_framework_error(tmp_path):
    bad = tmp_path / "fw.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(FrameworkError, match="fw.json is not valid UTF-8 JSON"):
        load_framework(bad)


# --- CSV -------------------------------------------------------------------------------------

META = {
    "id": "https://certify.example.eu/framework/green-v1",
    "version": "0.1.0",
    "code": "GRN",
    "name": {"en": "Green city skills", "de": "Kompetenzen für die grüne Stadt"},
    "publisher": "Example certification body",
    "validityYears": 2,
    "roles": [{"code": "GCO", "name": {"en": "Green city officer"},
               "description": {"en": "Runs green projects in a city."}, "eqfLevel": 5}],
}
UNITS_CSV = (
    "code,role_codes,eqf_level,pass_threshold,name_en,name_de,description_en,"
    "esco_uri_1,esco_label_1\n"
    "G1,GCO,5,50,Urban greening,Stadtgrün,Parks and trees,"
    "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea,manage budgets\n"
    "G2,GCO,4,70,Waste,,\"Waste, reuse and recycling\",,\n"
)
ELEMENTS_CSV = (
    "unit_code,code,kind,text_en,text_de\n"
    "G1,K1,knowledge,Native species,Heimische Arten\n"
    "G1,G1.S1,skill,Plan a tree inventory,\n"
    "G2,A1,attitude,Avoids waste,\n"
)


def write_csv(tmp_path, units: str = UNITS_CSV, elements: str = ELEMENTS_CSV):
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    (tmp_path / "elements.csv").write_text(elements, encoding="utf-8")
    return tmp_path / "units.csv", tmp_path / "elements.csv"


def test_csv_loader_builds_a_framework(tmp_path):
    fw = load_units_csv(META, *write_csv(tmp_path))
    assert fw.role("GCO").units == ("G1", "G2")
    assert fw.role("GCO").id == "https://certify.example.eu/framework/green-v1/roles/GCO"
    g1 = fw.unit("G1")
    assert (g1.eqf_level, g1.pass_threshold, g1.name["de"]) == (5, 50, "Stadtgrün")
    assert [e.code for e in g1.elements] == ["G1.K1", "G1.S1"]
    assert g1.esco[0].label == "manage budgets"
    assert fw.unit("G2").description == {"en": "Waste, reuse and recycling"}
    assert load_framework(fw.to_dict(), require_languages=False) == fw


def test_csv_bad_row_is_reported_with_its_line_number(tmp_path):
    units = UNITS_CSV + "G3,GCO,9,60,Water,,Water cycle,,\n"
    with pytest.raises(FrameworkError, match="units.csv line 4: eqf_level 9 is not 1..8"):
        load_units_csv(META, *write_csv(tmp_path, units=units))


def test_csv_element_errors_name_the_line(tmp_path):
    elements = ELEMENTS_CSV + "G9,K1,knowledge,Orphan,\n"
    with pytest.raises(FrameworkError, match="elements.csv line 5: unit G9 is not in units.csv"):
        load_units_csv(META, *write_csv(tmp_path, elements=elements))
    elements = ELEMENTS_CSV.replace("G2,A1,attitude", "G2,A1,feeling")
    with pytest.raises(FrameworkError, match="elements.csv line 4: kind feeling is not one of"):
        load_units_csv(META, *write_csv(tmp_path, elements=elements))


def test_csv_unknown_role_and_missing_english_are_refused(tmp_path):
    units = UNITS_CSV.replace("G2,GCO,", "G2,GCO;XYZ,")
    with pytest.raises(FrameworkError, match="units.csv line 3: role XYZ is not in the framework"):
        load_units_csv(META, *write_csv(tmp_path, units=units))
    units = UNITS_CSV.replace("Waste,,", ",Abfall,")
    with pytest.raises(FrameworkError, match=r"units.csv line 3: name has no English \(en\)"):
        load_units_csv(META, *write_csv(tmp_path, units=units))


def test_csv_translations_can_be_required(tmp_path):
    with pytest.raises(FrameworkError, match="units.csv line 2: name lacks the bg translation"):
        load_units_csv(META, *write_csv(tmp_path), require_languages=True)


def test_csv_size_bound(tmp_path):
    units, elements = write_csv(tmp_path)
    units.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(FrameworkError, match="units.csv is larger than"):
        load_units_csv(META, units, elements)
