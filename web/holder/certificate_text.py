"""What a certificate prints, read from the signed credential itself: its title in each
language, EQF level, framework, issuer, dates and result."""
from dataclasses import dataclass

from vc.language_maps import language_map
from web.plumbing.i18n import LANGUAGES

EQF_FRAMEWORK = "European Qualifications Framework"


@dataclass(frozen=True)
class CertificateText:
    """What the certificate prints, read from the signed credential itself."""

    names: list[tuple[str, str, str]]  # (language code, language name, title)
    eqf_level: str | None
    framework: str | None
    issuer_name: str
    valid_from: str
    valid_until: str | None
    result: str | None
    badge: str | None = None  # the signed achievement image, an SVG or PNG data URI


BADGE_PREFIXES = ("data:image/svg+xml;base64,", "data:image/png;base64,")


def achievement_badge(achievement: dict) -> str | None:
    """The achievement's OB 3.0 `image` when it is picture data (shown in an <img>, where an
    SVG runs no script); a link to elsewhere is not fetched by the page."""
    image = achievement.get("image")
    uri = image.get("id") if isinstance(image, dict) else image
    return uri if isinstance(uri, str) and uri.startswith(BADGE_PREFIXES) else None


def certificate_text(document: dict) -> CertificateText:
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    by_lang = language_map(achievement.get("name") or document.get("name"))
    names = [(code, label, by_lang[code]) for code, label in LANGUAGES.items()
             if code in by_lang]
    alignment = [a for a in achievement.get("alignment") or [] if isinstance(a, dict)]
    eqf = next((a.get("targetCode") for a in alignment
                if a.get("targetFramework") == EQF_FRAMEWORK), None)
    framework = next((a.get("targetFramework") for a in alignment if a.get("targetCode")
                      and a.get("targetFramework") not in (EQF_FRAMEWORK, "ESCO")), None)
    issuer = document.get("issuer")
    results = subject.get("result") or []
    return CertificateText(
        names=names, eqf_level=eqf, framework=framework,
        issuer_name=str(issuer.get("name", issuer.get("id", ""))) if isinstance(issuer, dict)
        else str(issuer),
        valid_from=str(document.get("validFrom", ""))[:10],
        valid_until=str(document["validUntil"])[:10] if document.get("validUntil") else None,
        result=results[0].get("value") if results and isinstance(results[0], dict) else None,
        badge=achievement_badge(achievement))
