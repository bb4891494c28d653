"""What any request may carry, bounded once for every route, so a bad value is a 4xx at the
door and never reaches a database driver or a canonicalizer (where it was a 500):

- JSON bodies (`request.get_json()`) are read by `vc.json_input.loads_strict`, the one reader
  of JSON from outside: I-JSON (RFC 7493) with no duplicate key, no integer a double cannot
  hold, no lone surrogate;
- `<int:...>` route parameters are at most MAX_ROUTE_INTEGER (PostgreSQL's INTEGER, the
  smallest integer column of both databases): a larger number names no row, so it is a 404;
- a list's `?page=` is read by `page_number`, bounded so that its offset fits every database;
- no path parameter, query field or form field (nor an uploaded file's name) holds a NUL
  character: no text of this service is binary, and PostgreSQL text cannot hold one (it
  was a 500 on every lookup by a parameter that had one).
"""
from typing import Any

from flask import Flask, Request, abort, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map, ValidationError

from vc.errors import MalformedInputError
from vc.json_input import loads_strict

MAX_ROUTE_INTEGER = 2**31 - 1


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, read strictly: what `request.get_json()` cannot read is Flask's 400 (or
    None with `silent=True`), as for any other malformed body."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return loads_strict(s)
        except MalformedInputError as e:
            raise ValueError(str(e)) from None  # what Request.get_json turns into a 400


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` with a default maximum of MAX_ROUTE_INTEGER: beyond it the route does not
    match (404), as for a number no row has."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int = MAX_ROUTE_INTEGER, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> Any:
        if len(value) > len(str(self.max)) + 1:  # long digit runs: refused before int()
            raise ValidationError()
        return super().to_python(value)


def _nul_refused() -> BadRequest:
    return BadRequest(description=_("Text sent to this service must not contain a NUL "
                                    "character."))


def _holds_nul(values: MultiDict[str, Any]) -> bool:
    return any("\0" in key or (isinstance(value, str) and "\0" in value)
               for key, value in values.items(multi=True))


class BoundedRequest(Request):
    """Flask's request, whose form (parsed when a view first reads it, after the view has set
    its own size limit) is refused with a 400 when a field or a file name holds a NUL."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if _holds_nul(self.form) or any("\0" in (upload.filename or "")
                                          for upload in self.files.values()):
            raise _nul_refused()


def _refuse_nul_in_url() -> None:
    """Before any view: a path parameter or a query field with a NUL is a 400."""
    if any(isinstance(v, str) and "\0" in v for v in (request.view_args or {}).values()) \
            or _holds_nul(request.args):
        raise _nul_refused()


def bound_request_input(app: Flask) -> None:
    """Installs the bounds; call before any blueprint is registered (rules take their
    converters when they are added)."""
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.request_class = BoundedRequest
    app.before_request(_refuse_nul_in_url)


def page_number(value: str | None, page_size: int) -> int:
    """A list's page from `?page=`: 1 when absent; else a whole number from 1 to the last page
    whose offset a database integer holds, or a 400 that says so."""
    if value is None or value == "":
        return 1
    last = MAX_ROUTE_INTEGER // page_size
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(last))
            and 1 <= int(value) <= last):
        abort(400, description=_("The page number must be a whole number from 1 to "
                                 "%(last)s.", last=last))
    return int(value)
