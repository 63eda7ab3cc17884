"""What every write endpoint of the API shares: the JSON body read into the same WTForms form the page uses,
`If-Match` against the record's version, `ETag`, and the answers (201 + Location, 412 with the current record).

A body is one JSON object whose keys are the form's fields: a list gives several values (a multiple choice), a
list of objects gives the rows of a FieldList (`visits: [{"country": "BOL", ...}]`), a list given to a field that
takes lines or a comma-separated list is joined for it, true is a ticked box. Unknown keys are refused (422), so
a misspelt field cannot be silently ignored. Writing needs a session or a token of scope "read write" (a
read-scope token gets 403 for every method but GET), and the permission of the same page (a donor has none).
"""
import json
import re

from flask import current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, FieldList, FormField

from app.api import bp
from app.api.common import NOT_IN_BODY as _NOT_IN_BODY
from app.api.common import ApiError
from app.formats import json_bodies
from app.services.core.errors import Refused, Stale
from forms.activities import ListText
from models import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@bp.before_request
def _read_scope_writes_nothing():
    if request.method in READ_METHODS:
        return
    if current_user.is_authenticated and g.get("token_scope") == "read":
        raise ApiError(403, _("This token's scope is read: it may not change anything. Ask for a token of scope "
                            "read write."), code="read_only_token")


def json_body(optional: bool = False) -> dict:
    """The request's JSON object, or 415 (not JSON) / 400 (malformed, or not an object). `optional`: an empty body
    is an empty object (a workflow move without a reason)."""
    if optional and not request.get_data(cache=True):
        return {}
    if request.mimetype != "application/json":
        raise ApiError(415, _("Send the body as JSON, with Content-Type: application/json."),
                       code="unsupported_media_type")
    raw = request.get_data(cache=True) or b"null"
    try:
        json_bodies.depth(raw, int(current_app.config.get("JSON_MAX_DEPTH") or json_bodies.DEFAULT_MAX_DEPTH))
    except json_bodies.TooDeep as exc:
        raise ApiError(400, str(exc), code="too_deep") from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(400, _("The body is not valid JSON: %(why)s", why=str(exc)[:120]), code="malformed_json") \
            from None
    if not isinstance(data, dict):
        raise ApiError(400, _("The body must be a JSON object whose keys are the record's fields."),
                       code="malformed_json")
    unstorable = json_bodies.unstorable_text(data)
    if unstorable:
        raise ApiError(400, _("Some fields hold characters no text may hold: %(names)s.",
                              names=", ".join(sorted(unstorable))), unstorable, code="bad_request")
    return data


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return "not a number"  # NaN and Infinity (which Python's JSON reader accepts) are refused by the field
    return str(value)


def formdata(form_cls, data: dict) -> MultiDict:
    """`data` (JSON) as the form data a browser would post to `form_cls`; 422 naming each key it cannot take."""
    fields = _field_kinds(form_cls)
    out, errors = MultiDict(), {}
    for key, value in data.items():
        kind = fields.get(key)
        if kind is None or key in _NOT_IN_BODY:
            errors[key] = (_("Give the version in the If-Match header, not in the body.") if key == "version"
                           else _("Unknown field."))
            continue
        if value is None:
            continue
        if isinstance(kind, tuple):  # rows: ("rows", the row's field names)
            if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
                errors[key] = _("A list of objects, one per row.")
                continue
            for n, row in enumerate(value):
                for sub, v in row.items():
                    if sub not in kind[1]:
                        errors[f"{key}-{n}-{sub}"] = _("Unknown field.")
                    elif isinstance(v, (dict, list)):
                        errors[f"{key}-{n}-{sub}"] = _("A single value.")
                    elif v is not None:
                        out.add(f"{key}-{n}-{sub}", _scalar(v))
        elif isinstance(value, dict):
            errors[key] = _("A single value or a list, not an object.")
        elif isinstance(value, bool) != (kind == "bool"):
            # The document says which fields are yes/no: `"instruments": false` is no list, `"flag": "x"` no yes.
            errors[key] = _("true or false.") if kind == "bool" else _("Not a yes/no field: give a value.")
        elif isinstance(value, list):
            if any(isinstance(v, (dict, list)) or v is None for v in value):
                errors[key] = _("A list of single values (no null among them).")
            elif isinstance(kind, str) and kind.startswith("join:"):
                out.add(key, kind.removeprefix("join:").join(_scalar(v) for v in value))
            else:
                for v in value:
                    out.add(key, _scalar(v))
        elif value is not False:
            out.add(key, _scalar(value))
    if errors:
        raise ApiError(422, _("Some fields are not valid: %(names)s.", names=", ".join(sorted(errors))), errors)
    return out


def _field_kinds(form_cls) -> dict:
    """name -> ("rows", the row's field names) for a FieldList of FormFields, "join:<sep>" for a ListText, or
    "value"."""
    form = form_cls(formdata=None, meta={"csrf": False})
    kinds = {}
    for field in form:
        if isinstance(field, FieldList) and field.unbound_field.field_class is FormField:
            row = field.unbound_field.args[0](formdata=None)
            kinds[field.name] = ("rows", frozenset(f.short_name for f in row))
        elif isinstance(field, ListText):
            kinds[field.name] = "join:" + ("\n" if field.separator == "\n" else ", ")
        elif isinstance(field, BooleanField):
            kinds[field.name] = "bool"
        else:
            kinds[field.name] = "value"
    return kinds


def validated_form(form_cls, data: dict, prepare=None, version: int | None = None):
    """The form filled from `data` and validated (CSRF off: a token or the X-CSRFToken header guards the call),
    or 422 with a message per field (rows as `visits-0-city`). `version` (from If-Match) fills the form's own
    version field, as the page's hidden field would."""
    posted = formdata(form_cls, data)
    if version is not None:
        posted["version"] = str(version)
    form = form_cls(formdata=posted, meta={"csrf": False})
    if prepare is not None:
        prepare(form)
    if not form.validate():
        raise ApiError(422, _("Some fields are not valid: %(names)s.", names=", ".join(sorted(flat_errors(form)))),
                       flat_errors(form))
    return form


def flat_errors(form) -> dict[str, str]:
    out = {}
    for field in form:
        if isinstance(field, FieldList):
            for message in (e for e in field.errors if isinstance(e, str)):
                out[field.name] = message
            for entry in field:
                if isinstance(entry, FormField):
                    for sub in entry.form:
                        if sub.errors:
                            out[sub.name] = sub.errors[0]
        elif field.errors:
            out[field.name] = str(field.errors[0])
    for message in getattr(form, "form_errors", []):
        out.setdefault("_record", message)
    return out


def edited_form(form_cls, current: dict, prepare=None, version: int | None = None):
    """The edit form of a PUT (the body whole) or a PATCH (the body's keys over `current`, the record as its form
    holds it), validated as `validated_form` does."""
    data = json_body()
    return validated_form(form_cls, merged(current, data) if request.method == "PATCH" else data, prepare, version)


def merged(current: dict, data: dict) -> dict:
    """PATCH: the record as its form holds it, with the body's keys over it (null clears a field)."""
    return {**{k: v for k, v in current.items() if k not in _NOT_IN_BODY}, **data}


def etag(version: int) -> str:
    return f'"{version}"'


#: One entity tag of an If-Match list (RFC 9110 §8.8.3): optionally weak, always quoted.
_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*')


def _entity_tags(raw: str) -> list[tuple[bool, str]] | None:
    """The (weak, opaque) tags of an If-Match list, or None when it is not one."""
    tags = []
    for part in raw.split(","):
        if not part.strip():  # the list syntax allows empty elements ("a, , b")
            continue
        found = _ENTITY_TAG.fullmatch(part)
        if found is None:
            return None
        tags.append((bool(found.group(1)), found.group(2)))
    return tags or None


def if_match(current: int | None = None) -> int:
    """The version a write is made from, as `If-Match` names it, compared strongly (RFC 9110 §13.1.1).

    `current` is the record's version now (the loader found the record). Missing -> 428. `*` matches any current
    record: the write proceeds from `current`. A list of entity tags matches when one of its *strong* tags is the
    current version; a weak tag (`W/"3"`) never matches, whatever it names, since our ETags are strong validators
    of the record's exact state. No strong tag at all (weak ones only, or not entity tags) -> 412 saying why. A
    strong tag of an older version is returned as it is, so that the service's check answers 412 with who changed
    the record and how it stands now."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        raise ApiError(428, _("Say which version you are changing: send If-Match with the ETag you read "
                            "(GET the record first)."), code="precondition_required")
    if raw.strip() == "*":
        if current is None:
            raise ApiError(412, _("If-Match: * is not accepted here: send the ETag you read (GET the record first)."),
                           code="precondition_failed")
        return current
    tags = _entity_tags(raw[:400])
    if tags is None:
        raise ApiError(412, _('If-Match %(value)s is not an entity tag: send the ETag exactly as you read it, quotes '
                              'included (e.g. "3").', value=repr(raw[:40])), code="precondition_failed")
    strong = [int(opaque) for weak, opaque in tags if not weak and opaque.isdigit() and len(opaque) <= 10]
    if not strong:
        if any(weak for weak, _tag in tags):
            raise ApiError(412, _('If-Match %(value)s names only weak entity tags (W/…): a write needs a strong match '
                                  '(RFC 9110), so send the ETag exactly as you read it, e.g. "3".',
                                  value=repr(raw[:40])), code="precondition_failed")
        raise ApiError(412, _("If-Match %(value)s names no version of this record: GET it for its ETag.",
                              value=repr(raw[:40])), code="precondition_failed")
    if current is not None and current in strong:
        return current
    return strong[0]


def with_etag(response, version: int):
    response.headers["ETag"] = etag(version)
    return response


def item_response(body: dict, version: int, status: int = 200, location: str | None = None):
    response = jsonify(body)
    response.status_code = status
    if location:
        response.headers["Location"] = location
    return with_etag(response, version)


def created(body: dict, version: int, endpoint: str, **ids):
    return item_response(body, version, 201, url_for(endpoint, **ids))


def refusal(exc: Refused, current=None):
    """A service's refusal as the API answers it (raise it): 412 with the record as it stands now when stale
    (`current()` gives (its JSON, its version)), else 422 with a message per field."""
    db.session.rollback()
    if isinstance(exc, Stale):
        body, version = current() if current else (None, None)
        return StaleError(exc.message, body, version)
    return ApiError(422, exc.message, exc.fields())


class StaleError(ApiError):
    """412 whose body also holds the record as it stands now (`current`), with its ETag."""

    def __init__(self, message: str, current: dict | None, version: int | None):
        super().__init__(412, message, code="precondition_failed")
        self.extra = {"current": current} if current is not None else {}
        self.extra_headers = {"ETag": etag(version)} if version is not None else {}
