"""Structure: VC Data Model 2.0 (§4) and the credential's own JSON Schema (§5.4
credentialSchema, type JsonSchema, VC JSON Schema 1.0) when it names one we hold locally."""
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from schemas.json_schemas import load_schema
from vc.datamodel import DataModelError, data_model_version, validate_credential
from vc.findings import finding
from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown
from verifier.codes import FactsCode, SchemaCode, StructureCode

if TYPE_CHECKING:  # imported when first needed (see JsonSchemaCheck._validator)
    from jsonschema_rs import Validator

SchemaLoader = Callable[[str], dict[str, Any]]
MAX_SCHEMA_ERRORS = 3


def default_schema_loader() -> SchemaLoader:
    """The framework's local JSON Schemas (`schemas.json_schemas`)."""
    return load_schema


def _no_remote_refs(uri: str) -> dict[str, Any]:
    """A schema's $ref is never fetched: only what the schema holds counts."""
    raise ValueError(f"remote $ref {uri[:200]} is not fetched")


class DataModelCheck:
    """VC Data Model 2.0 MUSTs (1.1's for a 1.1 credential): a failure means the credential
    is malformed."""

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        try:
            validate_credential(context.credential)
        except DataModelError as e:
            return [failed("structure", Category.AUTHENTICITY,
                           finding(StructureCode.MALFORMED, "; ".join(e.problems[:5])))]
        version = data_model_version(context.credential) or "2.0"
        return [passed("structure", Category.AUTHENTICITY,
                       finding(StructureCode.CREDENTIAL, version=version))]


class ReadableFactsCheck:
    """The facts a verdict rests on have one reading (`verifier.facts`): two expiry dates,
    two EQF levels or a status entry that is not an object make the credential malformed."""

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        problems = context.facts.problems
        if problems:
            return [failed("facts", Category.AUTHENTICITY,
                           finding(FactsCode.AMBIGUOUS, "; ".join(problems[:3])))]
        return []


class JsonSchemaCheck:
    """Each credentialSchema of type JsonSchema we hold must accept the credential.

    A schema we do not hold is `unknown`, which does not by itself block a verdict: the data
    model, the terms and the signature are still checked.
    """

    def __init__(self, loader: SchemaLoader | None = None) -> None:
        self._loader = loader if loader is not None else default_schema_loader()
        self._validators: dict[str, Validator] = {}
        self._lock = threading.Lock()

    def _validator(self, schema_id: str) -> "Validator":
        with self._lock:
            cached = self._validators.get(schema_id)
        if cached is not None:
            return cached
        import jsonschema_rs  # deferred on purpose; Rust: ~1000x faster than `jsonschema` here

        schema = self._loader(schema_id)
        validator = jsonschema_rs.validator_for(schema, retriever=_no_remote_refs)
        with self._lock:
            self._validators[schema_id] = validator
        return validator

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        ids = context.facts.schema_ids
        if not ids:
            return [passed("schema", Category.AUTHENTICITY, finding(SchemaCode.NONE_NAMED))]
        if self._loader is None:
            return [unknown("schema", Category.AUTHENTICITY,
                            finding(SchemaCode.NONE_INSTALLED), matters=False)]
        missing: list[str] = []
        for schema_id in ids:
            try:
                validator = self._validator(schema_id)
            except (LookupError, OSError, ValueError):
                missing.append(schema_id)
                continue
            if validator.is_valid(context.credential):
                continue
            errors = list(validator.iter_errors(context.credential))[:MAX_SCHEMA_ERRORS]
            if errors:
                shown = "; ".join(
                    f"{'/'.join(map(str, e.instance_path)) or '(top)'}: {e.message[:160]}"
                    for e in errors)
                return [failed("schema", Category.AUTHENTICITY,
                               finding(SchemaCode.MISMATCH, shown, schema=schema_id))]
        if missing:
            return [unknown("schema", Category.AUTHENTICITY,
                            finding(SchemaCode.NOT_HELD, schema=missing[0]), matters=False)]
        return [passed("schema", Category.AUTHENTICITY,
                       finding(SchemaCode.MATCHES, schema=", ".join(ids)))]
