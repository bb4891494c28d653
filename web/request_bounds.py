"""What any request may carry, bounded once for every route, so a bad value is a 4xx at the
door and never reaches a database driver or a canonicalizer (where it was a 500):

- JSON bodies (`request.get_json()`) are read by `vc.json_input.loads_strict`, the one reader
  of JSON from outside: I-JSON (RFC 7493) with no duplicate key, no integer a double cannot
  hold, no lone surrogate;
- `<int:...>` route parameters are at most MAX_ROUTE_INTEGER (PostgreSQL's INTEGER, the
  smallest integer column of both databases): a larger number names no row, so it is a 404;
- a list's `?page=` is read by `page_number`, bounded so that its offset fits every database.
"""
from typing import Any

from flask import Flask, abort
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
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


def bound_request_input(app: Flask) -> None:
    """Installs the bounds; call before any blueprint is registered (rules take their
    converters when they are added)."""
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntegerConverter


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
