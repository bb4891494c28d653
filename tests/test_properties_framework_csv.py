"""The CSV framework loader (`schemas.framework_csv.load_units_csv`) on generated files: any
text is a framework or a FrameworkError naming the file (and the line, for a bad row, the
line it is on); a generated framework written as CSV loads back as itself."""
import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.framework import ELEMENT_KINDS, LANGUAGES, FrameworkError
from schemas.framework_csv import load_units_csv

FW_ID = "https://certify.example.eu/framework/green-v1"
ROLES = ("GCO", "GDA")
META = {"id": FW_ID, "version": "0.1.0", "code": "GRN",
        "name": {lang: f"Green city skills ({lang})" for lang in LANGUAGES},
        "publisher": "Example certification body", "validityYears": 2,
        "roles": [{"code": code, "name": {lang: f"Role {code} ({lang})" for lang in LANGUAGES},
                   "description": {lang: f"The {code} role ({lang})." for lang in LANGUAGES},
                   "eqfLevel": 5} for code in ROLES]}
UNIT_COLUMNS = ["code", "role_codes", "eqf_level", "pass_threshold",
                *(f"{field}_{lang}" for field in ("name", "description") for lang in LANGUAGES),
                "esco_uri_1", "esco_label_1"]
ELEMENT_COLUMNS = ["unit_code", "code", "kind", *(f"text_{lang}" for lang in LANGUAGES)]
VALID_UNITS = ("code,role_codes,eqf_level,pass_threshold,name_en,description_en\n"
               "G1,GCO;GDA,5,50,Urban greening,Parks and trees\n")
VALID_ELEMENTS = "unit_code,code,kind,text_en\nG1,K1,knowledge,Native species\n"


def _settings(examples: int) -> settings:
    # the fixture is module-scoped: each example overwrites the same two files
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("framework-csv")


def _load(folder, units: str, elements: str, **options):
    (folder / "units.csv").write_text(units, encoding="utf-8", newline="")
    (folder / "elements.csv").write_text(elements, encoding="utf-8", newline="")
    return load_units_csv(META, folder / "units.csv", folder / "elements.csv", **options)


def _csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# --- any text: a framework or a FrameworkError ------------------------------------------

CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "G1", "GCO", "GCO;GDA", "GXX", "5", "0", "9", "05", "100", "101",
                     "-1", "knowledge", "skill", "feeling", "K1", "G1.K1", "\u0665",
                     "http://data.europa.eu/esco/skill/abc", "https://example.org/x"]),
    st.integers(1, 6000).map(lambda n: "9" * n),  # numbers longer than any bound
)


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def _any_csv(header: list[str], valid: str, cells: int):
    """Any text; rows of any cells under the real header; or such rows after a valid file."""
    rows = st.lists(st.lists(CELLS, max_size=cells), max_size=6)
    return st.one_of(
        st.text(max_size=300),
        rows.map(lambda found: "".join(_line(r) for r in [header, *found])),
        rows.map(lambda found: valid + "".join(_line(r) for r in found)))


ANY_UNITS = _any_csv(UNIT_COLUMNS[:6], VALID_UNITS, 8)
ANY_ELEMENTS = _any_csv(ELEMENT_COLUMNS[:4], VALID_ELEMENTS, 5)
WHERE = re.compile(r"(units|elements)\.csv( line (\d+))?[: ]|role [A-Z]+: units must be")


@_settings(200)
@given(units=ANY_UNITS | st.just(VALID_UNITS), elements=ANY_ELEMENTS | st.just(VALID_ELEMENTS))
def test_any_csv_text_is_a_framework_or_a_framework_error_that_says_where(folder, units,
                                                                          elements):
    try:
        fw = _load(folder, units, elements)
    except FrameworkError as e:
        found = WHERE.match(str(e))
        # the file (a row's error, its line), or the metadata's role left without units
        assert found, str(e)
        if found.group(3):
            text = units if found.group(1) == "units" else elements
            assert 2 <= int(found.group(3)) <= text.count("\n") + 1, str(e)
    else:
        assert fw.units and all(u.elements for u in fw.units)


@st.composite
def bad_cells(draw) -> tuple[str, str]:
    """A column of units.csv and a value it refuses."""
    column = draw(st.sampled_from(["code", "role_codes", "eqf_level", "pass_threshold",
                                   "name_en"]))
    value = draw({
        "code": st.sampled_from(["", "G 1", "-G1", "G/1", "x" * 33]),
        "role_codes": st.sampled_from(["GXX", "GCO;NOPE"]),
        "eqf_level": st.sampled_from(["", "0", "9", "-1", "5.0", "\u0665", "1e1"])
        | st.integers(2, 6000).map(lambda n: "9" * n),
        "pass_threshold": st.sampled_from(["", "0", "101", "50%", " "])
        | st.integers(4, 6000).map(lambda n: "1" + "0" * n),
        "name_en": st.sampled_from(["", "  ", "x" * 4001]),
    }[column])
    return column, value


@_settings(150)
@given(good=st.integers(0, 5), bad=bad_cells())
def test_a_bad_cell_is_reported_with_the_line_it_is_on(folder, good, bad):
    column, value = bad
    rows = [{"code": f"G{i}", "role_codes": "GCO", "eqf_level": "5", "pass_threshold": "50",
             "name_en": f"Unit {i}", "description_en": f"About\nunit {i}"}  # 2 lines a row
            for i in range(good + 1)]
    rows[good][column] = value
    elements = _csv(ELEMENT_COLUMNS[:4], [{"unit_code": f"G{i}", "code": "K1",
                                           "kind": "knowledge", "text_en": "x"}
                                          for i in range(good + 1)])
    units = _csv(["code", "role_codes", "eqf_level", "pass_threshold", "name_en",
                  "description_en"], rows)
    # the header is line 1; each row takes two physical lines; an error names the last
    with pytest.raises(FrameworkError, match=rf"^units\.csv line {2 * good + 3}: "):
        _load(folder, units, elements)


# --- generated frameworks load back as themselves -----------------------------------------

TEXTS = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t,;\""),
                min_size=1, max_size=16).map(str.strip).filter(bool)


def _language_texts(require_all: bool):
    optional = st.dictionaries(st.sampled_from(LANGUAGES[1:]), TEXTS, max_size=5)
    if require_all:
        optional = st.fixed_dictionaries({lang: TEXTS for lang in LANGUAGES[1:]})
    return st.builds(lambda en, rest: {"en": en, **rest}, TEXTS, optional)


@st.composite
def frameworks(draw, require_all: bool = False) -> list[dict]:
    codes = draw(st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,8}", fullmatch=True),
                          min_size=1, max_size=4, unique=True))
    units = []
    for i, code in enumerate(codes):
        roles = list(ROLES) if i == 0 else draw(st.lists(st.sampled_from(ROLES), unique=True))
        elements = draw(st.lists(st.from_regex(r"[KSA][0-9]{1,2}", fullmatch=True),
                                 min_size=1, max_size=3, unique=True))
        units.append({
            "code": code, "roles": roles, "eqf": draw(st.integers(1, 8)),
            "threshold": draw(st.integers(1, 100)), "name": draw(_language_texts(require_all)),
            "description": draw(_language_texts(require_all)),
            "esco": draw(st.none() | st.tuples(
                st.from_regex(r"[a-z0-9-]{1,36}", fullmatch=True), TEXTS)),
            "elements": [(f"{code}.{e}", draw(st.sampled_from(ELEMENT_KINDS)),
                          draw(_language_texts(require_all))) for e in elements]})
    return units


def _as_csv(units: list[dict]) -> tuple[str, str]:
    unit_rows, element_rows = [], []
    for u in units:
        row = {"code": u["code"], "role_codes": ";".join(u["roles"]), "eqf_level": u["eqf"],
               "pass_threshold": u["threshold"]}
        row |= {f"name_{lang}": text for lang, text in u["name"].items()}
        row |= {f"description_{lang}": text for lang, text in u["description"].items()}
        if u["esco"]:
            row |= {"esco_uri_1": f"http://data.europa.eu/esco/skill/{u['esco'][0]}",
                    "esco_label_1": u["esco"][1]}
        unit_rows.append(row)
        for code, kind, texts in u["elements"]:
            element_rows.append({"unit_code": u["code"], "code": code, "kind": kind}
                                | {f"text_{lang}": text for lang, text in texts.items()})
    return _csv(UNIT_COLUMNS, unit_rows), _csv(ELEMENT_COLUMNS, element_rows)


@_settings(40)
@given(generated=st.booleans().flatmap(lambda all_languages: st.tuples(
    st.just(all_languages), frameworks(require_all=all_languages))))
def test_a_generated_framework_loads_back_as_itself(folder, generated):
    require_all, units = generated
    fw = _load(folder, *_as_csv(units), require_languages=require_all)
    assert [u.code for u in fw.units] == [u["code"] for u in units]
    for role in ROLES:
        assert list(fw.role(role).units) == [u["code"] for u in units if role in u["roles"]]
    for loaded, unit in zip(fw.units, units, strict=True):
        assert loaded.id == f"{FW_ID}/units/{unit['code']}"
        assert (loaded.eqf_level, loaded.pass_threshold) == (unit["eqf"], unit["threshold"])
        assert (dict(loaded.name), dict(loaded.description)) == (unit["name"],
                                                                 unit["description"])
        assert [(e.uri.rsplit("/", 1)[1], e.label) for e in loaded.esco] == \
            ([unit["esco"]] if unit["esco"] else [])
        assert [(e.code, e.kind, dict(e.text)) for e in loaded.elements] == unit["elements"]
