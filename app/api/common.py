"""What every API module shares: errors, query parameters validated by the list's filter form, documentation.

A list's parameters are declared once, on its filter form (forms/<domain>.py): `validated_args` checks the query
string with it, and `documented(..., args=TheForm)` describes the same fields in /api/v1/openapi.json.
"""
from datetime import date

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    IntegerField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.listing import paging_from
from app.scoping import for_user
from app.services.treaties.treaty_record import SOURCES
from forms.base import EARLIEST_DATE, LATEST_DATE, parse_date
from models.enums import AttachedTo


class ApiError(HTTPException):
    """Raise to answer a 4xx JSON error with a message and field errors (rendered by app.errors)."""

    def __init__(self, status: int, message: str, fields: dict | None = None, code: str | None = None):
        super().__init__(description=message)
        self.code = status
        self.fields = fields or {}
        self.error_code = code


def validated_args(form_cls, prepare=None):
    """The query string read by `form_cls` (a forms.base.FilterForm), or a 400 naming every bad parameter.

    `prepare(form)` sets choices that come from the database before validation."""
    form = form_cls(request.args)
    if prepare is not None:
        prepare(form)
    # A parameter that takes one value, given twice (`q=a&q=b`): the form would read the first and drop the rest
    # without a word, so the caller is told instead.
    repeated = {name: _("Give %(name)s once (it takes one value).", name=name) for name in request.args
                if len(request.args.getlist(name)) > 1 and name in form._fields
                and not isinstance(form._fields[name], SelectMultipleField)}
    if not form.validate() or repeated:
        fields = {name: errors[0] for name, errors in form.errors.items() if errors} | repeated
        raise ApiError(400, _("Some query parameters are not valid: %(names)s.", names=", ".join(sorted(fields))),
                       fields)
    return form


def list_args(form_cls, prepare=None):
    """(filters as a dict, Paging) from the query string."""
    form = validated_args(form_cls, prepare)
    return form.filter_values(), paging_from(form)


def as_of_param() -> date:
    """`as_of` (YYYY-MM-DD; today when absent). Present but empty is a 400: the document says it is a date."""
    if "as_of" not in request.args:
        return date.today()
    try:
        value = parse_date(request.args["as_of"])
    except ValueError as exc:
        raise ApiError(400, str(exc), {"as_of": str(exc)}) from None
    if value is None:
        raise ApiError(400, _("as_of is empty: give a date like 2003-07-02, or leave the parameter out for today."),
                       {"as_of": "Empty."})
    return value


def source_param():
    """`source`: absent or empty for the record, `annex` for the annex of A/58/165 alone; anything else is a 400."""
    raw = request.args.get("source", "")
    if raw and raw not in SOURCES:
        message = _("Unknown source %(source)s: give %(sources)s, or leave it out for the record.",
                    source=repr(raw[:40]), sources=", ".join(SOURCES))
        raise ApiError(400, message, {"source": message})
    return SOURCES.get(raw)


# ------------------------------------------------------------------ documentation (read by openapi.py)
def _date_pattern() -> str:
    """YYYY-MM-DD with the year inside EARLIEST_DATE..LATEST_DATE's centuries (JSON Schema has no date bounds; the
    years of those centuries outside the bounds do not exist while the bounds are whole centuries)."""
    centuries = "|".join(str(c) for c in range(EARLIEST_DATE.year // 100, LATEST_DATE.year // 100 + 1))
    return rf"^({centuries})\d{{2}}-\d{{2}}-\d{{2}}$"


#: A date the app accepts: the format says a real calendar date, the pattern the years it takes.
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": _date_pattern(), "minLength": 10, "maxLength": 10}

AS_OF = {"name": "as_of", "in": "query", "required": False,
         "description": "Count actions on or before this date (YYYY-MM-DD); today when absent.",
         "schema": DATE_SCHEMA}


SOURCE = {"name": "source", "in": "query", "required": False, "allowEmptyValue": True,
          "description": "Absent: the depositary's record (its tables and entries by hand). annex: the annex of "
                         "A/58/165 alone, exactly as printed (as at 2 July 2003).",
          "schema": {"type": "string", "enum": ["annex"]}}


def documented(summary: str, parameters: list[dict] | None = None, response: dict | None = None,
               args=None, body=None, status: int = 200, prepare=None, if_match: bool = False,
               multipart: dict | None = None, produces: str | None = None):
    """Attach OpenAPI details to a view: its summary, extra parameters, response schema, the filter form whose
    fields are its query parameters, and for a write the form its JSON body fills (`body`, a form class;
    `prepare(form)` sets the choices that come from the database, for the endpoint, not the document), its
    success status (201 for a create), and whether it needs If-Match (a change to an existing record). A file
    upload describes its multipart/form-data body instead (`multipart`: the schema of its fields); a download
    names the type it answers with (`produces`)."""
    def decorator(view):
        view.api_doc = {"summary": summary, "parameters": parameters or [], "response": response, "args": args,
                        "body": body, "status": status, "prepare": prepare, "if_match": if_match,
                        "multipart": multipart, "produces": produces}
        return view
    return decorator


def _schema(field) -> dict:
    schema: dict = {"type": "string"}
    if getattr(field, "api_schema", None):  # a field whose choices come from the database says what it takes
        return dict(field.api_schema)
    if isinstance(field, BooleanField):
        return {"type": "boolean"}
    if isinstance(field, IntegerField) or getattr(field, "schema_type", None) == "integer":
        schema = {"type": "integer"}
    elif isinstance(field, DateField):
        schema = dict(DATE_SCHEMA)
    elif isinstance(field, SelectField) and field.choices:
        values = [c[0] if isinstance(c, tuple) else c.value for c in field.choices]
        schema["enum"] = [v for v in values if v != ""]  # "" ("any") is allowEmptyValue's (form_parameters)
    for validator in field.validators:
        if isinstance(validator, NumberRange):
            if validator.min is not None:
                schema["minimum"] = validator.min
            if validator.max is not None:
                schema["maximum"] = validator.max
        elif isinstance(validator, Length) and validator.max and validator.max > 0:
            schema["maxLength"] = validator.max
        elif isinstance(validator, Regexp):
            schema["pattern"] = validator.regex.pattern
    if schema["type"] == "string" and not {"enum", "pattern", "format"} & set(schema):
        schema["pattern"] = r"^[^\u0000]*$"  # a NUL character is refused (app.security.refuse_nul_bytes)
    return schema


#: Fields a JSON body never holds (the version travels in If-Match, CSRF in its header, `next` is the page's).
NOT_IN_BODY = ("version", "csrf_token", "next")


def body_fields(form_cls) -> dict:
    """name -> field of the form a JSON body fills (an unbound instance, choices as the form declares them)."""
    form = form_cls(formdata=None, meta={"csrf": False})
    return {field.short_name: field for field in form if field.short_name not in NOT_IN_BODY}


def _required(field) -> bool:
    """Required as the form marks it: InputRequired, DataRequired, or a validator flagging it (AtLeastOne)."""
    return any(isinstance(v, (InputRequired, DataRequired)) or getattr(v, "field_flags", {}).get("required")
               for v in field.validators)


def _value_schema(field) -> dict:
    """The schema of one value of a body field."""
    if getattr(field, "api_schema", None):  # a field whose choices come from the database says what it takes
        return dict(field.api_schema)
    if isinstance(field, DecimalField):
        return {"oneOf": [{"type": "string", "maxLength": 40}, {"type": "number"}],
                "description": "A decimal number (as text keeps every digit)."}
    if isinstance(field, SelectField) and not field.choices and getattr(field, "coerce", str) is not str:
        return {"type": "integer", "minimum": 1}  # an id whose choices come from the database
    if isinstance(field, SelectMultipleField):
        values = [c[0] if isinstance(c, tuple) else c.value for c in (field.choices or [])]
        if getattr(field, "coerce", str) is not str:
            return {"type": "integer", "minimum": 1}
        return {"type": "string", "enum": values} if values else {"type": "string", "maxLength": 40}
    if type(field).__name__ == "HiddenField":
        return {"type": "integer", "minimum": 1} if field.filters else {"type": "string"}
    return _schema(field)


def body_schema(form_cls, partial: bool = False) -> dict:
    """The JSON schema of a body that fills `form_cls`: one property per field (rows of a FieldList as an array of
    objects, a multiple choice or a list of lines as an array), `required` the fields the form requires (none for
    a PATCH, which changes only what it gives). Unknown properties are refused (422)."""
    properties, required = {}, []
    for name, field in body_fields(form_cls).items():
        if isinstance(field, FieldList):
            row = body_schema(field.unbound_field.args[0] if field.unbound_field.args else
                              field.unbound_field.kwargs["form_class"])
            properties[name] = {"type": "array", "items": row, "maxItems": field.max_entries or 100,
                                "description": str(field.label.text) + ": one object per row."}
            continue
        if isinstance(field, SelectMultipleField) or type(field).__name__ == "ListText":
            item = {"type": "string"} if type(field).__name__ == "ListText" else _value_schema(field)
            schema = {"type": "array", "items": item}
        else:
            schema = _value_schema(field)
        if field.description or field.label.text:
            schema = dict(schema, description=str(field.description or field.label.text))
        if not _required(field) and "$ref" not in schema:
            schema["nullable"] = True
        properties[name] = schema
        if _required(field) and not partial:
            required.append(name)
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _takes_empty(field) -> bool:
    """An empty value means "not given" (Optional), or false for a checkbox."""
    return isinstance(field, BooleanField) or any(isinstance(v, Optional) for v in field.validators)


def form_parameters(form_cls) -> list[dict]:
    """The OpenAPI query parameters of a filter form, one per field."""
    form = form_cls(formdata=None, meta={"csrf": False})
    out = []
    for field in form:
        if field.name == "as_of":
            out.append(AS_OF)  # read by as_of_param everywhere: absent is today, empty is refused
            continue
        description = str(field.description or field.label.text)
        if isinstance(field, DateField):
            description += f" (YYYY-MM-DD, {EARLIEST_DATE.year} to {LATEST_DATE.year})"
        schema = _schema(field)
        if field.name == "sort" and not getattr(form_cls, "SORTS", None):
            continue  # a list with one order takes no sort key (only an empty one)
        if field.name == "sort":
            description = f"One of {', '.join(form_cls.SORTS)}; prefix with - for descending."
            schema = {"type": "string", "enum": [f"{d}{key}" for key in form_cls.SORTS for d in ("", "-")]}
        parameter = {"name": field.name, "in": "query", "required": False, "description": description,
                     "schema": schema}
        if _takes_empty(field):
            parameter["allowEmptyValue"] = True  # `?page=&status=`, as a filter bar submits an untouched field
        out.append(parameter)
    return out


def page_schema(item: dict) -> dict:
    """The schema of a paginated list of `item`."""
    return {"type": "object", "required": ["items", "page", "per_page", "total", "pages"], "properties": {
        "items": {"type": "array", "items": item}, "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1}, "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 1}}}


#: What a 404 says, by the kind of record asked for: whole sentences (a noun's gender and article vary by language).
NOT_FOUND = {
    "request": _l("There is no such request, or you may not see it."),
    "activity": _l("There is no such activity, or you may not see it."),
    "report": _l("There is no such activity report, or you may not see it."),
    "finding": _l("There is no such finding, or you may not see it."),
    "legislative finding": _l("There is no such legislative finding, or you may not see it."),
    "contribution": _l("There is no such contribution, or you may not see it."),
    "expert": _l("There is no such expert, or you may not see it."),
    "action": _l("There is no such action, or you may not see it."),
    "treaty action": _l("There is no such treaty action, or you may not see it."),
}
#: The NOT_FOUND key of each kind of record a file or a comment belongs to.
NOT_FOUND_KEYS = {AttachedTo.REQUEST: "request", AttachedTo.ACTIVITY: "activity", AttachedTo.REPORT: "report",
                  AttachedTo.FINDING: "legislative finding", AttachedTo.CONTRIBUTION: "contribution"}


def not_found(what: str) -> ApiError:
    """The 404 of a record of kind `what` (a key of NOT_FOUND) that does not exist or that the caller may not see."""
    return ApiError(404, str(NOT_FOUND[what]))


def get_or_404(read, record_id, what: str):
    """The record `read(scope, record_id)` finds in the caller's scope, or a 404 naming `what` (a key of NOT_FOUND)
    — the same answer whether it does not exist or the caller may not see it (no probing for ids)."""
    found = read(for_user(current_user), record_id)
    if found is None:
        raise not_found(what)
    return found
