"""The registry pages' words in the six languages of Skills4Cities: en, bg, ro, el, es, de.

`text(lang, key, **values)` falls back to English for a missing entry, so a page never
shows a raw key. Role and country names live here too: the pages name them in the
reader's language without loading the framework.
"""
LANGUAGES = ("en", "bg", "ro", "el", "es", "de")
LANGUAGE_NAMES = {"en": "English", "bg": "Български", "ro": "Română", "el": "Ελληνικά",
                  "es": "Español", "de": "Deutsch"}

_STRINGS: dict[str, tuple[str, str, str, str, str, str]] = {
    # key: (en, bg, ro, el, es, de)
    "registry": ("Public registry", "Публичен регистър", "Registrul public", "Δημόσιο μητρώο",
                 "Registro público", "Öffentliches Register"),
    "bodies_title": (
        "Accredited certification bodies", "Акредитирани сертифициращи органи",
        "Organisme de certificare acreditate", "Διαπιστευμένοι φορείς πιστοποίησης",
        "Organismos de certificación acreditados", "Akkreditierte Zertifizierungsstellen"),
    "bodies_intro": (
        ("Who may issue Skills4Cities credentials, for which roles and up to which EQF level, "
         "as decided by each country's national qualification body."),
        ("Кой може да издава удостоверения Skills4Cities, за кои роли и до кое ниво по ЕКР, "
         "според решенията на националния орган по квалификациите на всяка държава."),
        ("Cine poate emite certificări Skills4Cities, pentru ce roluri și până la ce nivel EQF, "
         "conform deciziilor organismului național pentru calificări din fiecare țară."),
        ("Ποιος μπορεί να εκδίδει πιστοποιήσεις Skills4Cities, για ποιους ρόλους και έως ποιο "
         "επίπεδο EQF, σύμφωνα με τις αποφάσεις του εθνικού φορέα προσόντων κάθε χώρας."),
        ("Quién puede emitir credenciales Skills4Cities, para qué perfiles y hasta qué nivel "
         "del MEC, según lo decidido por el organismo nacional de cualificaciones de cada país."),
        ("Wer Skills4Cities-Nachweise ausstellen darf, für welche Rollen und bis zu welchem "
         "EQR-Niveau, wie von der nationalen Qualifikationsbehörde jedes Landes entschieden.")),
    "search_label": ("Search by name, DID or role", "Търсене по име, DID или роля",
                     "Căutare după nume, DID sau rol", "Αναζήτηση με όνομα, DID ή ρόλο",
                     "Buscar por nombre, DID o perfil", "Suche nach Name, DID oder Rolle"),
    "search": ("Search", "Търсене", "Caută", "Αναζήτηση", "Buscar", "Suchen"),
    "no_bodies": (
        "No accredited body matches your search.",
        "Няма акредитиран орган, който да отговаря на търсенето.",
        "Niciun organism acreditat nu corespunde căutării.",
        "Κανένας διαπιστευμένος φορέας δεν αντιστοιχεί στην αναζήτηση.",
        "Ningún organismo acreditado coincide con la búsqueda.",
        "Keine akkreditierte Stelle entspricht Ihrer Suche."),
    "may_certify": ("May certify", "Може да сертифицира", "Poate certifica",
                    "Μπορεί να πιστοποιεί", "Puede certificar", "Darf zertifizieren"),
    "up_to_eqf": ("up to EQF level {n}", "до ниво {n} по ЕКР", "până la nivelul EQF {n}",
                  "έως το επίπεδο {n} του EQF", "hasta el nivel {n} del MEC",
                  "bis EQR-Niveau {n}"),
    "accredited_by": ("Accredited by", "Акредитиран от", "Acreditat de", "Διαπιστεύτηκε από",
                      "Acreditado por", "Akkreditiert durch"),
    "whole_framework": (
        "the whole Skills4Cities framework", "цялата рамка Skills4Cities",
        "întregul cadru Skills4Cities", "ολόκληρο το πλαίσιο Skills4Cities",
        "todo el marco Skills4Cities", "das gesamte Skills4Cities-Rahmenwerk"),
    "open_ended": ("no end date", "без краен срок", "fără dată de încheiere",
                   "χωρίς ημερομηνία λήξης", "sin fecha de fin", "unbefristet"),
    "period": ("Period", "Период", "Perioadă", "Περίοδος", "Periodo", "Zeitraum"),
    "status": ("Status", "Статус", "Stare", "Κατάσταση", "Estado", "Status"),
    "status_active": ("Active", "Действаща", "Activă", "Ενεργή", "Vigente", "Gültig"),
    "status_revoked": ("Revoked", "Отменена", "Revocată", "Ανακλήθηκε", "Revocada",
                       "Widerrufen"),
    "status_expired": ("Expired", "Изтекла", "Expirată", "Έληξε", "Caducada", "Abgelaufen"),
    "status_pending": ("Not yet valid", "Все още не е в сила", "Încă nu este valabilă",
                       "Δεν ισχύει ακόμη", "Aún no vigente", "Noch nicht gültig"),
    "demo": ("DEMO data", "Демонстрационни данни", "Date demonstrative", "Δεδομένα επίδειξης",
             "Datos de demostración", "Demodaten"),
    "roles": ("Roles", "Роли", "Roluri", "Ρόλοι", "Perfiles", "Rollen"),
    "role_recognition": (
        "Recognition of this role by country", "Признаване на ролята по държави",
        "Recunoașterea rolului pe țări", "Αναγνώριση του ρόλου ανά χώρα",
        "Reconocimiento del perfil por país", "Anerkennung der Rolle nach Land"),
    "country": ("Country", "Държава", "Țara", "Χώρα", "País", "Land"),
    "nqf_level": ("National level", "Национално ниво", "Nivel național", "Εθνικό επίπεδο",
                  "Nivel nacional", "Nationales Niveau"),
    "eqf_level": ("EQF level", "Ниво по ЕКР", "Nivel EQF", "Επίπεδο EQF", "Nivel MEC",
                  "EQR-Niveau"),
    "equivalence": ("Equivalence", "Съответствие", "Echivalență", "Αντιστοιχία",
                    "Equivalencia", "Gleichwertigkeit"),
    "legal_basis": ("Legal basis", "Правно основание", "Temei legal", "Νομική βάση",
                    "Base jurídica", "Rechtsgrundlage"),
    "decided_by": ("Decided by", "Решение на", "Decis de", "Απόφαση του", "Decidido por",
                   "Entschieden von"),
    "not_recognised": (
        "No country has recorded a recognition of this role yet.",
        "Все още никоя държава не е вписала признаване на тази роля.",
        "Nicio țară nu a înregistrat încă recunoașterea acestui rol.",
        "Καμία χώρα δεν έχει καταχωρίσει ακόμη αναγνώριση αυτού του ρόλου.",
        "Ningún país ha registrado aún el reconocimiento de este perfil.",
        "Noch kein Land hat eine Anerkennung dieser Rolle eingetragen."),
    "trust_list": (
        "Signed trust list (JSON)", "Подписан списък на доверието (JSON)",
        "Listă de încredere semnată (JSON)", "Υπογεγραμμένος κατάλογος εμπιστοσύνης (JSON)",
        "Lista de confianza firmada (JSON)", "Signierte Vertrauensliste (JSON)"),
    "trust_list_note": (
        ("Everything on this page is also in the signed trust list, which verifiers can check "
         "offline."),
        ("Всичко на тази страница е и в подписания списък на доверието, който може да се "
         "проверява офлайн."),
        ("Tot ce apare pe această pagină se află și în lista de încredere semnată, care poate "
         "fi verificată offline."),
        ("Όλα όσα εμφανίζονται σε αυτή τη σελίδα βρίσκονται και στον υπογεγραμμένο κατάλογο "
         "εμπιστοσύνης, που ελέγχεται και εκτός σύνδεσης."),
        ("Todo lo que aparece en esta página está también en la lista de confianza firmada, "
         "que se puede verificar sin conexión."),
        ("Alles auf dieser Seite steht auch in der signierten Vertrauensliste, die sich "
         "offline prüfen lässt.")),
    "language": ("Language", "Език", "Limba", "Γλώσσα", "Idioma", "Sprache"),
}

ROLE_NAMES: dict[str, tuple[str, str, str, str, str, str]] = {
    "SCPD": ("Smart City Project Developer", "Разработчик на проекти за интелигентни градове",
             "Dezvoltator de proiecte pentru orașe inteligente",
             "Υπεύθυνος ανάπτυξης έργων έξυπνης πόλης",
             "Desarrollador de proyectos de ciudad inteligente",
             "Smart-City-Projektentwickler"),
    "SCPM": ("Smart City Project Manager", "Мениджър на проекти за интелигентни градове",
             "Manager de proiecte pentru orașe inteligente",
             "Διαχειριστής έργων έξυπνης πόλης",
             "Gestor de proyectos de ciudad inteligente", "Smart-City-Projektmanager"),
    "SCPMC": ("Smart City Project Management Consultant",
              "Консултант по управление на проекти за интелигентни градове",
              "Consultant în managementul proiectelor pentru orașe inteligente",
              "Σύμβουλος διαχείρισης έργων έξυπνης πόλης",
              "Consultor en gestión de proyectos de ciudad inteligente",
              "Smart-City-Projektmanagementberater"),
}

COUNTRY_NAMES: dict[str, tuple[str, str, str, str, str, str]] = {
    "AT": ("Austria", "Австрия", "Austria", "Αυστρία", "Austria", "Österreich"),
    "BG": ("Bulgaria", "България", "Bulgaria", "Βουλγαρία", "Bulgaria", "Bulgarien"),
    "DE": ("Germany", "Германия", "Germania", "Γερμανία", "Alemania", "Deutschland"),
    "ES": ("Spain", "Испания", "Spania", "Ισπανία", "España", "Spanien"),
    "GR": ("Greece", "Гърция", "Grecia", "Ελλάδα", "Grecia", "Griechenland"),
    "RO": ("Romania", "Румъния", "România", "Ρουμανία", "Rumanía", "Rumänien"),
}


def _pick(row: tuple[str, ...], lang: str) -> str:
    return row[LANGUAGES.index(lang)] if lang in LANGUAGES else row[0]


def text(lang: str, key: str, **values: object) -> str:
    row = _STRINGS.get(key)
    if row is None:
        raise KeyError(f"no registry UI string {key!r}")
    return _pick(row, lang).format(**values) if values else _pick(row, lang)


def role_name(lang: str, code: str) -> str:
    row = ROLE_NAMES.get(code)
    return _pick(row, lang) if row else code


def country_name(lang: str, code: str) -> str:
    row = COUNTRY_NAMES.get(code)
    return _pick(row, lang) if row else code


def catalog(lang: str) -> dict[str, str]:
    """Every UI string in `lang` (for templates), placeholders left in."""
    return {key: _pick(row, lang) for key, row in _STRINGS.items()}
