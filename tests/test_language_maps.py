"""Texts in several languages (VC DM 2.0 §11.1): one reading for issuer, verifier, registry."""
from vc.language_maps import UNTAGGED, language_map, language_values, pick_language


def test_values_and_map_round_trip_sorted_and_without_empty_texts():
    values = language_values({"fr": "Chef", "bg": "Ръководител", "en": "Manager", "de": ""})
    assert values == [{"@value": "Ръководител", "@language": "bg"},
                      {"@value": "Manager", "@language": "en"},
                      {"@value": "Chef", "@language": "fr"}]
    assert language_map(values) == {"bg": "Ръководител", "en": "Manager", "fr": "Chef"}


def test_reading_does_not_depend_on_array_order():
    a = [{"@value": "B", "@language": "EN"}, {"@value": "A", "@language": "en"}, "plain"]
    assert language_map(a) == language_map(list(reversed(a))) \
        == {"en": "A", UNTAGGED: "plain"}
    assert language_map("plain") == {UNTAGGED: "plain"}
    assert language_map([{"@value": 5}, None, {"@language": "en"}]) == {}


def test_pick_prefers_the_language_then_its_primary_then_english_then_untagged():
    texts = {"pt": "Gestor", "en": "Manager", UNTAGGED: "x", "bg": "Ръководител"}
    assert pick_language(texts, "pt-BR") == "Gestor"
    assert pick_language(texts, "BG") == "Ръководител"
    assert pick_language(texts, "de") == "Manager"
    assert pick_language({UNTAGGED: "x", "ro": "y"}, "de") == "x"
    assert pick_language({"ro": "y", "el": "z"}, "de") == "z"  # first by language
    assert pick_language({}, "en") is None
