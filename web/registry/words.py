"""The registry's findings in English for its JSON API and the command line: the sentence
from the catalogue (`web.plumbing.finding_words`), then the technical detail a lower layer gave (why a
DID or a key could not be read), in brackets."""
from vc.findings import Finding
from web.plumbing.finding_words import say_english


def registry_english(found: Finding) -> str:
    sentence = say_english(found)
    return f"{sentence} ({found.detail})" if found.detail else sentence
