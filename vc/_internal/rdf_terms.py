"""The RDF terms the JSON-LD engine produces (RDF 1.1 Concepts §3) and the IRIs it names.

Terms are tuples, so that canonicalization (`vc._internal.rdfc`) can use them directly:
("iri", value) | ("bnode", label) | ("literal", lexical form, datatype IRI, language | None).
"""
import re
from typing import Any

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"
RDF_JSON, RDF_LANGSTRING = RDF + "JSON", RDF + "langString"
XSD_STRING, XSD_BOOLEAN = XSD + "string", XSD + "boolean"
XSD_INTEGER, XSD_DOUBLE = XSD + "integer", XSD + "double"

# an absolute IRI (RFC 3987 §2.2: scheme ":" ...) without the characters IRIs may not hold
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")

Term = tuple[Any, ...]
Quad = tuple[Term, Term, Term, Term | None]
