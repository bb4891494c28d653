"""The employer page's words in English, Bulgarian, Romanian, Greek, Spanish and German.

Check reasons stay as the verifier writes them (English, precise); everything around them
(titles, verdicts, labels, outcome words) is translated here.
"""
LANGUAGES = {"en": "English", "bg": "Български", "ro": "Română", "el": "Ελληνικά",
             "es": "Español", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"

# EU/EEA countries by their own names, so the list needs no translation.
COUNTRIES = {
    "AT": "Österreich", "BE": "België / Belgique", "BG": "България", "CY": "Κύπρος",
    "CZ": "Česko", "DE": "Deutschland", "DK": "Danmark", "EE": "Eesti",
    "ES": "España", "FI": "Suomi", "FR": "France", "GR": "Ελλάδα", "HR": "Hrvatska",
    "HU": "Magyarország", "IE": "Éire / Ireland", "IS": "Ísland", "IT": "Italia",
    "LI": "Liechtenstein", "LT": "Lietuva", "LU": "Luxembourg", "LV": "Latvija",
    "MT": "Malta", "NL": "Nederland", "NO": "Norge", "PL": "Polska", "PT": "Portugal",
    "RO": "România", "SE": "Sverige", "SI": "Slovenija", "SK": "Slovensko",
}

_KEYS = (
    "title", "intro", "scan", "stop", "camera_help", "no_camera", "upload", "paste",
    "paste_help", "country", "language", "verify", "result", "verdict.valid",
    "verdict.forged-or-malformed", "verdict.not-valid-now", "verdict.could-not-check",
    "advice.valid", "advice.forged-or-malformed", "advice.not-valid-now",
    "advice.could-not-check", "holder", "hashed_email", "achievement", "kind", "kind.role",
    "kind.competency", "eqf", "issuer", "not_registered", "valid_from", "valid_until",
    "no_expiry", "status", "status.active", "status.revoked", "status.suspended",
    "status.unknown", "recognition", "no_recognition", "checks", "outcome.passed",
    "outcome.failed", "outcome.unknown", "check.structure", "check.schema", "check.terms",
    "check.proof", "check.key-binding", "check.role-stack", "check.validity",
    "check.status", "check.status.revocation", "check.status.suspension",
    "check.issuer-trust", "check.recognition", "check.input", "error", "link_not_found",
    "again", "shared",
)

T: dict[str, dict[str, str]] = {
    "en": {
        "title": "Check a Skills4Cities credential",
        "intro": "Scan the QR code, upload a photo of it, or paste the credential or its link.",
        "scan": "Scan with camera", "stop": "Stop camera",
        "camera_help": "Hold the QR code in front of the camera.",
        "no_camera": "No camera is available here; upload a photo instead.",
        "upload": "Photo of the QR code (PNG or JPEG)", "paste": "Credential JSON or link",
        "paste_help": "A credential file's content, an S4C1: code or a …/v/… link",
        "country": "Recognition in", "language": "Language", "verify": "Check",
        "result": "Result", "verdict.valid": "Valid",
        "verdict.forged-or-malformed": "Forged or damaged",
        "verdict.not-valid-now": "Authentic, but not valid now",
        "verdict.could-not-check": "Could not be fully checked",
        "advice.valid": "Authentic, current, and issued by an accredited body.",
        "advice.forged-or-malformed": "Do not accept it: it was altered, or was not issued "
                                      "by who it claims.",
        "advice.not-valid-now": "It was really issued, but it does not count today. See why "
                                "below.",
        "advice.could-not-check": "Something could not be checked right now. Do not read "
                                  "this as valid; try again later.",
        "holder": "Holder", "hashed_email": "identified by a protected e-mail address",
        "achievement": "Certified for", "kind": "Kind", "kind.role": "Role certification",
        "kind.competency": "Competency unit", "eqf": "EQF level", "issuer": "Issued by",
        "not_registered": "not in the registry", "valid_from": "Valid from",
        "valid_until": "Valid until", "no_expiry": "no expiry date", "status": "Status",
        "status.active": "active", "status.revoked": "revoked", "status.suspended": "suspended",
        "status.unknown": "unknown", "recognition": "Recognition",
        "no_recognition": "no recognition recorded for this country", "checks": "Checks",
        "outcome.passed": "passed", "outcome.failed": "failed", "outcome.unknown": "not checked",
        "check.structure": "Structure", "check.schema": "Schema", "check.terms": "Vocabulary",
        "check.proof": "Signature", "check.key-binding": "Issuer's key",
        "check.role-stack": "Competency units", "check.validity": "Validity period",
        "check.status": "Status", "check.status.revocation": "Revocation",
        "check.status.suspension": "Suspension", "check.issuer-trust": "Accreditation",
        "check.recognition": "Recognition", "check.input": "Input",
        "error": "This could not be read", "link_not_found":
            "This link is unknown, was withdrawn by its holder, or has expired.",
        "again": "Check another", "shared": "Shared by its holder",
    },
    "bg": {
        "title": "Проверка на удостоверение Skills4Cities",
        "intro": "Сканирайте QR кода, качете негова снимка или поставете удостоверението или "
                 "връзката към него.",
        "scan": "Сканиране с камера", "stop": "Спиране на камерата",
        "camera_help": "Дръжте QR кода пред камерата.",
        "no_camera": "Няма достъпна камера; качете снимка.",
        "upload": "Снимка на QR кода (PNG или JPEG)",
        "paste": "Удостоверение (JSON) или връзка",
        "paste_help": "Съдържанието на файла, код S4C1: или връзка …/v/…",
        "country": "Признаване в", "language": "Език", "verify": "Провери",
        "result": "Резултат", "verdict.valid": "Валидно",
        "verdict.forged-or-malformed": "Подправено или повредено",
        "verdict.not-valid-now": "Истинско, но не е валидно в момента",
        "verdict.could-not-check": "Не можа да бъде проверено напълно",
        "advice.valid": "Истинско, актуално и издадено от акредитиран орган.",
        "advice.forged-or-malformed": "Не го приемайте: променено е или не е издадено от "
                                      "този, за когото се представя.",
        "advice.not-valid-now": "Наистина е издадено, но днес не е в сила. Причината е по-долу.",
        "advice.could-not-check": "Нещо не можа да бъде проверено в момента. Не го приемайте "
                                  "като валидно; опитайте по-късно.",
        "holder": "Притежател", "hashed_email": "идентифициран чрез защитен имейл адрес",
        "achievement": "Сертифициран за", "kind": "Вид", "kind.role": "Сертификат за роля",
        "kind.competency": "Компетентностна единица", "eqf": "Ниво по ЕКР",
        "issuer": "Издадено от", "not_registered": "не е в регистъра",
        "valid_from": "Валидно от", "valid_until": "Валидно до", "no_expiry": "без срок",
        "status": "Статус", "status.active": "активно", "status.revoked": "отнето",
        "status.suspended": "временно спряно", "status.unknown": "неизвестен",
        "recognition": "Признаване", "no_recognition": "няма вписано признаване за тази държава",
        "checks": "Проверки", "outcome.passed": "успешна", "outcome.failed": "неуспешна",
        "outcome.unknown": "непроверена", "check.structure": "Структура",
        "check.schema": "Схема", "check.terms": "Речник", "check.proof": "Подпис",
        "check.key-binding": "Ключ на издателя", "check.role-stack": "Компетентностни единици",
        "check.validity": "Срок на валидност", "check.status": "Статус",
        "check.status.revocation": "Отнемане", "check.status.suspension": "Временно спиране",
        "check.issuer-trust": "Акредитация", "check.recognition": "Признаване",
        "check.input": "Входни данни", "error": "Това не можа да бъде прочетено",
        "link_not_found": "Връзката е непозната, оттеглена от притежателя или е изтекла.",
        "again": "Нова проверка", "shared": "Споделено от притежателя",
    },
    "ro": {
        "title": "Verificarea unei acreditări Skills4Cities",
        "intro": "Scanați codul QR, încărcați o fotografie a lui sau lipiți acreditarea ori "
                 "linkul ei.",
        "scan": "Scanare cu camera", "stop": "Oprire cameră",
        "camera_help": "Țineți codul QR în fața camerei.",
        "no_camera": "Nu există o cameră disponibilă; încărcați o fotografie.",
        "upload": "Fotografia codului QR (PNG sau JPEG)", "paste": "Acreditare JSON sau link",
        "paste_help": "Conținutul fișierului, un cod S4C1: sau un link …/v/…",
        "country": "Recunoaștere în", "language": "Limba", "verify": "Verifică",
        "result": "Rezultat", "verdict.valid": "Validă",
        "verdict.forged-or-malformed": "Falsificată sau deteriorată",
        "verdict.not-valid-now": "Autentică, dar nu este valabilă acum",
        "verdict.could-not-check": "Nu a putut fi verificată complet",
        "advice.valid": "Autentică, în vigoare și emisă de un organism acreditat.",
        "advice.forged-or-malformed": "Nu o acceptați: a fost modificată sau nu a fost emisă "
                                      "de cine pretinde.",
        "advice.not-valid-now": "A fost într-adevăr emisă, dar astăzi nu este valabilă. "
                                "Motivul este mai jos.",
        "advice.could-not-check": "Ceva nu a putut fi verificat acum. Nu o considerați "
                                  "validă; încercați mai târziu.",
        "holder": "Titular", "hashed_email": "identificat printr-o adresă de e-mail protejată",
        "achievement": "Certificat pentru", "kind": "Tip", "kind.role": "Certificare de rol",
        "kind.competency": "Unitate de competență", "eqf": "Nivel EQF",
        "issuer": "Emisă de", "not_registered": "nu este în registru",
        "valid_from": "Valabilă de la", "valid_until": "Valabilă până la",
        "no_expiry": "fără dată de expirare", "status": "Stare", "status.active": "activă",
        "status.revoked": "revocată", "status.suspended": "suspendată",
        "status.unknown": "necunoscută", "recognition": "Recunoaștere",
        "no_recognition": "nicio recunoaștere înregistrată pentru această țară",
        "checks": "Verificări", "outcome.passed": "trecută", "outcome.failed": "eșuată",
        "outcome.unknown": "neverificată", "check.structure": "Structură",
        "check.schema": "Schemă", "check.terms": "Vocabular", "check.proof": "Semnătură",
        "check.key-binding": "Cheia emitentului", "check.role-stack": "Unități de competență",
        "check.validity": "Perioadă de valabilitate", "check.status": "Stare",
        "check.status.revocation": "Revocare", "check.status.suspension": "Suspendare",
        "check.issuer-trust": "Acreditare", "check.recognition": "Recunoaștere",
        "check.input": "Date de intrare", "error": "Acest conținut nu a putut fi citit",
        "link_not_found": "Linkul este necunoscut, a fost retras de titular sau a expirat.",
        "again": "Verificați alta", "shared": "Partajată de titular",
    },
    "el": {
        "title": "Έλεγχος πιστοποιητικού Skills4Cities",
        "intro": "Σαρώστε τον κωδικό QR, ανεβάστε μια φωτογραφία του ή επικολλήστε το "
                 "πιστοποιητικό ή τον σύνδεσμό του.",
        "scan": "Σάρωση με κάμερα", "stop": "Διακοπή κάμερας",
        "camera_help": "Κρατήστε τον κωδικό QR μπροστά στην κάμερα.",
        "no_camera": "Δεν υπάρχει διαθέσιμη κάμερα· ανεβάστε μια φωτογραφία.",
        "upload": "Φωτογραφία του κωδικού QR (PNG ή JPEG)",
        "paste": "Πιστοποιητικό JSON ή σύνδεσμος",
        "paste_help": "Το περιεχόμενο του αρχείου, ένας κωδικός S4C1: ή ένας σύνδεσμος …/v/…",
        "country": "Αναγνώριση σε", "language": "Γλώσσα", "verify": "Έλεγχος",
        "result": "Αποτέλεσμα", "verdict.valid": "Έγκυρο",
        "verdict.forged-or-malformed": "Πλαστό ή αλλοιωμένο",
        "verdict.not-valid-now": "Γνήσιο, αλλά όχι σε ισχύ τώρα",
        "verdict.could-not-check": "Δεν ήταν δυνατός ο πλήρης έλεγχος",
        "advice.valid": "Γνήσιο, σε ισχύ και εκδομένο από διαπιστευμένο φορέα.",
        "advice.forged-or-malformed": "Μην το αποδεχθείτε: έχει αλλοιωθεί ή δεν εκδόθηκε από "
                                      "αυτόν που ισχυρίζεται.",
        "advice.not-valid-now": "Εκδόθηκε πράγματι, αλλά σήμερα δεν ισχύει. Δείτε τον λόγο "
                                "παρακάτω.",
        "advice.could-not-check": "Κάτι δεν ήταν δυνατό να ελεγχθεί τώρα. Μην το θεωρήσετε "
                                  "έγκυρο· δοκιμάστε αργότερα.",
        "holder": "Κάτοχος", "hashed_email": "ταυτοποιείται με προστατευμένη διεύθυνση e-mail",
        "achievement": "Πιστοποιημένος για", "kind": "Είδος",
        "kind.role": "Πιστοποίηση ρόλου", "kind.competency": "Ενότητα ικανοτήτων",
        "eqf": "Επίπεδο ΕΠΠ", "issuer": "Εκδόθηκε από", "not_registered": "εκτός μητρώου",
        "valid_from": "Ισχύει από", "valid_until": "Ισχύει έως",
        "no_expiry": "χωρίς ημερομηνία λήξης", "status": "Κατάσταση",
        "status.active": "ενεργό", "status.revoked": "ανακλήθηκε",
        "status.suspended": "σε αναστολή", "status.unknown": "άγνωστη",
        "recognition": "Αναγνώριση",
        "no_recognition": "δεν έχει καταχωριστεί αναγνώριση για αυτή τη χώρα",
        "checks": "Έλεγχοι", "outcome.passed": "επιτυχής", "outcome.failed": "απέτυχε",
        "outcome.unknown": "δεν ελέγχθηκε", "check.structure": "Δομή",
        "check.schema": "Σχήμα", "check.terms": "Λεξιλόγιο", "check.proof": "Υπογραφή",
        "check.key-binding": "Κλειδί εκδότη", "check.role-stack": "Ενότητες ικανοτήτων",
        "check.validity": "Περίοδος ισχύος", "check.status": "Κατάσταση",
        "check.status.revocation": "Ανάκληση", "check.status.suspension": "Αναστολή",
        "check.issuer-trust": "Διαπίστευση", "check.recognition": "Αναγνώριση",
        "check.input": "Δεδομένα εισόδου", "error": "Δεν ήταν δυνατή η ανάγνωση",
        "link_not_found": "Ο σύνδεσμος είναι άγνωστος, ανακλήθηκε από τον κάτοχο ή έληξε.",
        "again": "Νέος έλεγχος", "shared": "Κοινοποιήθηκε από τον κάτοχο",
    },
    "es": {
        "title": "Comprobar una credencial de Skills4Cities",
        "intro": "Escanee el código QR, suba una foto del código o pegue la credencial o su "
                 "enlace.",
        "scan": "Escanear con la cámara", "stop": "Detener la cámara",
        "camera_help": "Sostenga el código QR delante de la cámara.",
        "no_camera": "No hay ninguna cámara disponible; suba una foto.",
        "upload": "Foto del código QR (PNG o JPEG)", "paste": "Credencial JSON o enlace",
        "paste_help": "El contenido del archivo, un código S4C1: o un enlace …/v/…",
        "country": "Reconocimiento en", "language": "Idioma", "verify": "Comprobar",
        "result": "Resultado", "verdict.valid": "Válida",
        "verdict.forged-or-malformed": "Falsificada o dañada",
        "verdict.not-valid-now": "Auténtica, pero no válida ahora",
        "verdict.could-not-check": "No se pudo comprobar por completo",
        "advice.valid": "Auténtica, vigente y emitida por un organismo acreditado.",
        "advice.forged-or-malformed": "No la acepte: fue alterada o no la emitió quien dice "
                                      "haberla emitido.",
        "advice.not-valid-now": "Se emitió realmente, pero hoy no es válida. Vea el motivo "
                                "abajo.",
        "advice.could-not-check": "Algo no se pudo comprobar ahora. No la dé por válida; "
                                  "inténtelo más tarde.",
        "holder": "Titular", "hashed_email": "identificado por un correo electrónico protegido",
        "achievement": "Certificado para", "kind": "Tipo",
        "kind.role": "Certificación de rol", "kind.competency": "Unidad de competencia",
        "eqf": "Nivel MEC", "issuer": "Emitida por", "not_registered": "no figura en el registro",
        "valid_from": "Válida desde", "valid_until": "Válida hasta",
        "no_expiry": "sin fecha de caducidad", "status": "Estado", "status.active": "activa",
        "status.revoked": "revocada", "status.suspended": "suspendida",
        "status.unknown": "desconocido", "recognition": "Reconocimiento",
        "no_recognition": "no consta ningún reconocimiento en este país",
        "checks": "Comprobaciones", "outcome.passed": "superada", "outcome.failed": "fallida",
        "outcome.unknown": "sin comprobar", "check.structure": "Estructura",
        "check.schema": "Esquema", "check.terms": "Vocabulario", "check.proof": "Firma",
        "check.key-binding": "Clave del emisor", "check.role-stack": "Unidades de competencia",
        "check.validity": "Periodo de validez", "check.status": "Estado",
        "check.status.revocation": "Revocación", "check.status.suspension": "Suspensión",
        "check.issuer-trust": "Acreditación", "check.recognition": "Reconocimiento",
        "check.input": "Entrada", "error": "No se ha podido leer",
        "link_not_found": "El enlace es desconocido, su titular lo retiró o ha caducado.",
        "again": "Comprobar otra", "shared": "Compartida por su titular",
    },
    "de": {
        "title": "Skills4Cities-Nachweis prüfen",
        "intro": "Scannen Sie den QR-Code, laden Sie ein Foto davon hoch oder fügen Sie den "
                 "Nachweis oder seinen Link ein.",
        "scan": "Mit der Kamera scannen", "stop": "Kamera beenden",
        "camera_help": "Halten Sie den QR-Code vor die Kamera.",
        "no_camera": "Keine Kamera verfügbar; laden Sie stattdessen ein Foto hoch.",
        "upload": "Foto des QR-Codes (PNG oder JPEG)", "paste": "Nachweis (JSON) oder Link",
        "paste_help": "Der Inhalt der Datei, ein S4C1:-Code oder ein …/v/…-Link",
        "country": "Anerkennung in", "language": "Sprache", "verify": "Prüfen",
        "result": "Ergebnis", "verdict.valid": "Gültig",
        "verdict.forged-or-malformed": "Gefälscht oder beschädigt",
        "verdict.not-valid-now": "Echt, aber derzeit nicht gültig",
        "verdict.could-not-check": "Konnte nicht vollständig geprüft werden",
        "advice.valid": "Echt, aktuell und von einer akkreditierten Stelle ausgestellt.",
        "advice.forged-or-malformed": "Nicht akzeptieren: Er wurde verändert oder nicht von "
                                      "der angegebenen Stelle ausgestellt.",
        "advice.not-valid-now": "Er wurde tatsächlich ausgestellt, gilt heute aber nicht. "
                                "Den Grund sehen Sie unten.",
        "advice.could-not-check": "Etwas konnte gerade nicht geprüft werden. Nicht als gültig "
                                  "werten; versuchen Sie es später erneut.",
        "holder": "Inhaber", "hashed_email": "über eine geschützte E-Mail-Adresse identifiziert",
        "achievement": "Zertifiziert als", "kind": "Art", "kind.role": "Rollenzertifizierung",
        "kind.competency": "Kompetenzeinheit", "eqf": "EQR-Niveau",
        "issuer": "Ausgestellt von", "not_registered": "nicht im Register",
        "valid_from": "Gültig ab", "valid_until": "Gültig bis", "no_expiry": "unbefristet",
        "status": "Status", "status.active": "aktiv", "status.revoked": "widerrufen",
        "status.suspended": "ausgesetzt", "status.unknown": "unbekannt",
        "recognition": "Anerkennung",
        "no_recognition": "für dieses Land ist keine Anerkennung eingetragen",
        "checks": "Prüfungen", "outcome.passed": "bestanden", "outcome.failed": "nicht bestanden",
        "outcome.unknown": "nicht geprüft", "check.structure": "Aufbau",
        "check.schema": "Schema", "check.terms": "Vokabular", "check.proof": "Signatur",
        "check.key-binding": "Schlüssel des Ausstellers",
        "check.role-stack": "Kompetenzeinheiten", "check.validity": "Gültigkeitszeitraum",
        "check.status": "Status", "check.status.revocation": "Widerruf",
        "check.status.suspension": "Aussetzung", "check.issuer-trust": "Akkreditierung",
        "check.recognition": "Anerkennung", "check.input": "Eingabe",
        "error": "Das konnte nicht gelesen werden",
        "link_not_found": "Der Link ist unbekannt, wurde vom Inhaber zurückgezogen oder ist "
                          "abgelaufen.",
        "again": "Weiteren prüfen", "shared": "Vom Inhaber geteilt",
    },
}


def language_of(requested: str | None, accept_best: str | None = None) -> str:
    for candidate in (requested, accept_best):
        if candidate and candidate.lower()[:2] in T:
            return candidate.lower()[:2]
    return DEFAULT_LANGUAGE


def translator(lang: str):
    words = T.get(lang, T[DEFAULT_LANGUAGE])

    def t(key: str) -> str:
        return words.get(key) or T[DEFAULT_LANGUAGE].get(key, key)
    return t
