"""Names of the files people download: `<role-or-unit code>-<uuid><ending>`, safe as a file name
on every system (letters, digits, `.`, `_`, `-`; at most 150 characters before the ending)."""
import re

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def credential_file_name(code: str, credential_id: str, ending: str) -> str:
    """`ending`: ".json", "-europass.jsonld", "-de.pdf"."""
    suffix = credential_id.removeprefix("urn:uuid:")
    return UNSAFE.sub("-", f"{code}-{suffix}")[:150] + ending
