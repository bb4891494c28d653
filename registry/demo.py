"""Demo data: a plausible registry for trying s4c. Every record says DEMO.

Five trust anchors (one national qualification body each for BG, RO, GR, ES and AT), the
demo certification body named by the operator and accredited by two of them (BG, RO) for
the three roles up to EQF 7, and each country's recognition of each role. Seeding only
adds what is missing, so a second run adds nothing. The EQF levels of the roles come from
the reference framework, and each country's NQF level is taken equal to the EQF level (a
demo assumption).
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from registry.authority import Authority
from registry.service import Registry
from registry.vocab import ROLES, achievement_code
from schemas.framework import load_reference_framework

VALID_FROM = datetime(2025, 1, 1, tzinfo=UTC)
VALID_UNTIL = datetime(2030, 12, 31, 23, 59, 59, tzinfo=UTC)
def _role_eqf() -> dict[str, int]:
    """The EQF level of each role, as the reference framework states it."""
    return {role.code: role.eqf_level for role in load_reference_framework().roles}
ACCREDITED_BY = ("bg-navet", "ro-anc")
BODY_NAMES = {
    "en": "Skills4Cities Demo Certification Body (DEMO)",
    "bg": "Демонстрационен сертифициращ орган Skills4Cities (DEMO)",
    "ro": "Organism demonstrativ de certificare Skills4Cities (DEMO)",
}


@dataclass(frozen=True)
class DemoAnchor:
    slug: str
    country: str
    names: dict[str, str]
    nqf: str  # the national level's name, formatted with the level
    equivalence: dict[str, str]  # formatted with the level
    legal_basis: str


DEMO_ANCHORS = (
    DemoAnchor(
        "bg-navet", "BG",
        {"en": "National Agency for Vocational Education and Training, NAVET (DEMO)",
         "bg": "Национална агенция за професионално образование и обучение, НАПОО (DEMO)"},
        "НКР {n}",
        {"bg": "Съответства на ниво {n} от Националната квалификационна рамка (НКР) и на "
               "ниво {n} от Европейската квалификационна рамка.",
         "en": "Corresponds to level {n} of the Bulgarian National Qualifications Framework "
               "and to EQF level {n}."},
        "Закон за професионалното образование и обучение; Национална квалификационна рамка "
        "на Република България (DEMO)"),
    DemoAnchor(
        "ro-anc", "RO",
        {"en": "National Authority for Qualifications, ANC (DEMO)",
         "ro": "Autoritatea Națională pentru Calificări, ANC (DEMO)"},
        "CNC nivel {n}",
        {"ro": "Corespunde nivelului {n} din Cadrul național al calificărilor (CNC) și "
               "nivelului {n} din Cadrul european al calificărilor.",
         "en": "Corresponds to level {n} of the Romanian National Qualifications Framework "
               "and to EQF level {n}."},
        "HG nr. 918/2013 privind aprobarea Cadrului național al calificărilor (DEMO)"),
    DemoAnchor(
        "gr-eoppep", "GR",
        {"en": "National Organisation for the Certification of Qualifications and Vocational "
               "Guidance, EOPPEP (DEMO)",
         "el": "Εθνικός Οργανισμός Πιστοποίησης Προσόντων και Επαγγελματικού "
               "Προσανατολισμού, ΕΟΠΠΕΠ (DEMO)"},
        "ΕΠΠ {n}",
        {"el": "Αντιστοιχεί στο επίπεδο {n} του Εθνικού Πλαισίου Προσόντων (ΕΠΠ) και στο "
               "επίπεδο {n} του Ευρωπαϊκού Πλαισίου Προσόντων.",
         "en": "Corresponds to level {n} of the Hellenic Qualifications Framework and to EQF "
               "level {n}."},
        "Ν. 4763/2020, Εθνικό Σύστημα Επαγγελματικής Εκπαίδευσης, Κατάρτισης και Διά Βίου "
        "Μάθησης (DEMO)"),
    DemoAnchor(
        "es-incual", "ES",
        {"en": "National Institute of Qualifications, INCUAL (DEMO)",
         "es": "Instituto Nacional de las Cualificaciones, INCUAL (DEMO)"},
        "MECU {n}",
        {"es": "Corresponde al nivel {n} del Marco Español de Cualificaciones para el "
               "Aprendizaje Permanente (MECU) y al nivel {n} del Marco Europeo de "
               "Cualificaciones.",
         "en": "Corresponds to level {n} of the Spanish Qualifications Framework (MECU) and to "
               "EQF level {n}."},
        "Real Decreto 272/2022, por el que se establece el Marco Español de Cualificaciones "
        "para el Aprendizaje Permanente (DEMO)"),
    DemoAnchor(
        "at-oead", "AT",
        {"en": "OeAD, National Coordination Point for the Austrian NQF (DEMO)",
         "de": "OeAD, Nationale Koordinierungsstelle für den NQR (DEMO)"},
        "NQR {n}",
        {"de": "Entspricht Niveau {n} des Nationalen Qualifikationsrahmens (NQR) und Niveau "
               "{n} des Europäischen Qualifikationsrahmens.",
         "en": "Corresponds to level {n} of the Austrian National Qualifications Framework "
               "and to EQF level {n}."},
        "Bundesgesetz über den Nationalen Qualifikationsrahmen (NQR-Gesetz), BGBl. I "
        "Nr. 14/2016 (DEMO)"),
)


@dataclass
class SeedReport:
    anchors: int = 0
    accreditations: int = 0
    recognitions: int = 0
    bodies: int = 0  # body names registered by the operator

    @property
    def added(self) -> int:
        return self.anchors + self.accreditations + self.recognitions + self.bodies


def _roles_and_their_units() -> list[str]:
    """Accredited for the three roles: the roles and the competency units they are made of
    (a body that certifies a role also issues its unit micro-credentials)."""
    fw = load_reference_framework()
    units = {fw.unit(code).id for role in fw.roles for code in role.units}
    return list(ROLES) + sorted(units)


def seed_demo(registry: Registry, authority_for: Callable[[str], Authority],
              body_did: str, body_name: str | None = None) -> SeedReport:
    """Adds the demo registry's missing records; `authority_for(slug)` gives signing keys.
    The body's keys are read from its own DID document (the registry's `body_keys`).

    `body_name` is the name the body's own credentials carry (the deployment's
    S4C_ISSUER_NAME): the operator registers the body under that one name, so a
    certificate and the verify page name it alike. A registry seeded
    earlier under the demo's own names is renamed; a name an operator chose is kept."""
    report = SeedReport()
    operator = authority_for("operator")
    registry.ensure_operator(operator)
    names = {"en": body_name} if body_name else BODY_NAMES
    registered = registry.registered_body(body_did)
    renamed = registered is not None and registered.name == BODY_NAMES != names
    if (registered is None or renamed) and registry.register_body(operator, body_did,
                                                                  names=names):
        report.bodies += 1
    for demo in DEMO_ANCHORS:
        anchor = authority_for(demo.slug)
        if anchor.did not in registry.snapshot().anchors:
            registry.add_anchor(operator, anchor.did, slug=demo.slug, country=demo.country,
                                names=demo.names, valid_from=VALID_FROM,
                                valid_until=VALID_UNTIL, demo=True)
            report.anchors += 1
        if demo.slug in ACCREDITED_BY and not _accredits(registry, anchor.did, body_did):
            registry.accredit(anchor, body_did,
                              achievements=_roles_and_their_units(),
                              max_eqf_level=7, valid_from=VALID_FROM, valid_until=VALID_UNTIL,
                              demo=True)
            report.accreditations += 1
        elif demo.slug in ACCREDITED_BY and not body_did.startswith("did:key:"):
            registry.refresh_body_keys(anchor, body_did)  # after a key rotation
        for role in ROLES:
            if any(r.anchor_did == anchor.did
                   for r in registry.snapshot().recognitions_for(role, demo.country)):
                continue
            level = _role_eqf()[achievement_code(role)]
            registry.recognise(
                anchor, role, nqf_level=demo.nqf.format(n=level), eqf_level=level,
                equivalence={lang: text.format(n=level)
                             for lang, text in demo.equivalence.items()},
                legal_basis=demo.legal_basis, valid_from=VALID_FROM, valid_until=VALID_UNTIL,
                demo=True)
            report.recognitions += 1
    return report


def _accredits(registry: Registry, anchor_did: str, body_did: str) -> bool:
    issuer = registry.snapshot().issuer(body_did)
    return issuer is not None and any(
        a.anchor_did == anchor_did and not a.revoked for a in issuer.accreditations)
