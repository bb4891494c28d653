"""The controlled vocabularies an ELM document points into, as `Concept` nodes of the
`edc-ap` context: EU Publications Office authority tables (countries, languages, file types)
and the Europass ones (EQF levels, credential profiles, encodings), shaped as the EU's own
samples write them (ELM 3.2; `../shared/europass/elm/examples`).
"""
from typing import Any

AUTHORITY = "http://publications.europa.eu/resource/authority"
EQF_LEVEL = "http://data.europa.eu/snb/eqf/{}"
EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
CREDENTIAL_PROFILE_SCHEME = "http://data.europa.eu/snb/credential/25831c2"
BASE64_ENCODING = "http://data.europa.eu/snb/encoding/6146cde7dd"
ENCODING_SCHEME = "http://data.europa.eu/snb/encoding/25831c2"
ESCO_SKILLS_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
# The SHACL shapes an EDC names as its `credentialSchema` (type ShaclValidator2017).
EDC_GENERIC_NO_CV = "http://data.europa.eu/snb/model/ap/edc-generic-no-cv"

# ISO 639-1 -> the EU language authority table's code, with the English name.
LANGUAGES: dict[str, tuple[str, str]] = {
    "bg": ("BUL", "Bulgarian"), "cs": ("CES", "Czech"), "da": ("DAN", "Danish"),
    "de": ("DEU", "German"), "el": ("ELL", "Greek"), "en": ("ENG", "English"),
    "es": ("SPA", "Spanish"), "et": ("EST", "Estonian"), "fi": ("FIN", "Finnish"),
    "fr": ("FRA", "French"), "ga": ("GLE", "Irish"), "hr": ("HRV", "Croatian"),
    "hu": ("HUN", "Hungarian"), "it": ("ITA", "Italian"), "lt": ("LIT", "Lithuanian"),
    "lv": ("LAV", "Latvian"), "mt": ("MLT", "Maltese"), "nl": ("NLD", "Dutch"),
    "pl": ("POL", "Polish"), "pt": ("POR", "Portuguese"), "ro": ("RON", "Romanian"),
    "sk": ("SLK", "Slovak"), "sl": ("SLV", "Slovenian"), "sv": ("SWE", "Swedish"),
}

# ISO 3166-1 alpha-2 -> the EU country authority table's code (alpha-3), with the English
# name: the EU and EEA members, candidates and neighbours a body may be established in.
COUNTRIES: dict[str, tuple[str, str]] = {
    "AL": ("ALB", "Albania"), "AT": ("AUT", "Austria"), "BA": ("BIH", "Bosnia and Herzegovina"),
    "BE": ("BEL", "Belgium"), "BG": ("BGR", "Bulgaria"), "CH": ("CHE", "Switzerland"),
    "CY": ("CYP", "Cyprus"), "CZ": ("CZE", "Czechia"), "DE": ("DEU", "Germany"),
    "DK": ("DNK", "Denmark"), "EE": ("EST", "Estonia"), "ES": ("ESP", "Spain"),
    "FI": ("FIN", "Finland"), "FR": ("FRA", "France"), "GB": ("GBR", "United Kingdom"),
    "GE": ("GEO", "Georgia"), "GR": ("GRC", "Greece"), "HR": ("HRV", "Croatia"),
    "HU": ("HUN", "Hungary"), "IE": ("IRL", "Ireland"), "IS": ("ISL", "Iceland"),
    "IT": ("ITA", "Italy"), "LI": ("LIE", "Liechtenstein"), "LT": ("LTU", "Lithuania"),
    "LU": ("LUX", "Luxembourg"), "LV": ("LVA", "Latvia"), "MD": ("MDA", "Moldova"),
    "ME": ("MNE", "Montenegro"), "MK": ("MKD", "North Macedonia"), "MT": ("MLT", "Malta"),
    "NL": ("NLD", "Netherlands"), "NO": ("NOR", "Norway"), "PL": ("POL", "Poland"),
    "PT": ("PRT", "Portugal"), "RO": ("ROU", "Romania"), "RS": ("SRB", "Serbia"),
    "SE": ("SWE", "Sweden"), "SI": ("SVN", "Slovenia"), "SK": ("SVK", "Slovakia"),
    "TR": ("TUR", "Türkiye"), "UA": ("UKR", "Ukraine"), "XK": ("XKX", "Kosovo"),
}

FILE_TYPES = {"image/png": ("PNG", "PNG"), "image/jpeg": ("JPEG", "JPEG")}


def concept(iri: str, scheme: str, label: str, notation: str | None = None) -> dict[str, Any]:
    """A skos:Concept node with its scheme and English label (as in the EU samples)."""
    node: dict[str, Any] = {"id": iri, "type": "Concept",
                            "inScheme": {"id": scheme, "type": "ConceptScheme"}}
    if notation is not None:
        node["notation"] = notation
    node["prefLabel"] = {"en": label}
    return node


def country(alpha2: str) -> dict[str, Any]:
    """The country authority table's Concept of an ISO 3166-1 alpha-2 code."""
    try:
        code, name = COUNTRIES[alpha2.upper()]
    except KeyError:
        raise ValueError(f"no country {alpha2!r} in the EU country table s4c knows "
                         f"(one of {', '.join(sorted(COUNTRIES))})") from None
    return concept(f"{AUTHORITY}/country/{code}", f"{AUTHORITY}/country", name, "country")


def language(iso639_1: str) -> dict[str, Any]:
    """The language authority table's Concept of an ISO 639-1 code."""
    code, name = LANGUAGES[iso639_1]
    return concept(f"{AUTHORITY}/language/{code}", f"{AUTHORITY}/language", name, "language")


def file_type(media_type: str) -> dict[str, Any]:
    code, name = FILE_TYPES[media_type]
    return concept(f"{AUTHORITY}/file-type/{code}", f"{AUTHORITY}/file-type", name,
                   "file-type")


def base64_encoding() -> dict[str, Any]:
    return concept(BASE64_ENCODING, ENCODING_SCHEME, "base64")


def eqf_level(level: int) -> dict[str, Any]:
    if not 1 <= level <= 8:
        raise ValueError(f"EQF levels are 1 to 8, not {level}")
    return concept(EQF_LEVEL.format(level), EQF_SCHEME, f"Level {level}")


def generic_profile() -> dict[str, Any]:
    """The `credentialProfiles` value of a generic EDC."""
    return concept(GENERIC_PROFILE, CREDENTIAL_PROFILE_SCHEME, "Generic")


def esco_skill(iri: str, label: str) -> dict[str, Any]:
    return concept(iri, ESCO_SKILLS_SCHEME, label, "Skill")
