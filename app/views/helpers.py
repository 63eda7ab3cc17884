"""What the page views share: reading a list's filters (the `as_of` parameter among them, parsed by the filter
forms of forms/base.py) and showing a service's refusal on its form. (The API's equivalents are in
app/api/common.py; both read the same filter forms.)"""
from collections.abc import Callable

from flask import Response, abort, request
from flask_login import current_user

from app import pickers
from app.listing import Paging, paging_from
from app.scoping import for_user
from app.services.core.errors import Refused, Stale
from models import db


def list_filters(form_cls, prepare=None):
    """(form, filters dict, Paging) from the query string; filters None when a parameter is invalid (the page then
    shows the form with its messages and answers 400). `prepare(form)` sets choices that come from the database
    before the form is validated. The filter pickers take a name typed without JavaScript here (pages only: the
    API takes keys) and get the labels they show."""
    form = form_cls(request.args)
    pickers.bind_filters(form, for_user(current_user))
    if prepare is not None:
        prepare(form)
    if not form.validate():
        return form, None, Paging()
    return form, form.filter_values(), paging_from(form)


def refuse_filters(form) -> None:
    """400 for a download (CSV, XML) whose filters are not valid: no form to show them on, so the answer names each
    parameter and its message."""
    abort(400, description="; ".join(f"{name}: {errors[0]}" for name, errors in form.errors.items()))


def filters_refused_as_text(form) -> Response:
    """400 in plain text for a file (CSV) whose filters are not valid, every parameter with all its messages (the
    messages may be lazy translations: each made text here, in the request's language)."""
    text = " ".join(f"{name}: {' '.join(str(message) for message in errors)}" for name, errors in form.errors.items())
    return Response(text + "\n", status=400, mimetype="text/plain")


def show_refusal(form, exc: Refused) -> int:
    """Put each of a service's messages beside its field, or above the form when it names none; return the status
    to answer (409 for a record changed since the page was loaded, else 422).

    A stale form keeps the user's input but now carries the current version, so that saving it again (after
    reading the message naming who changed the record and when) applies it deliberately."""
    status = 422
    if isinstance(exc, Stale):
        status = 409
        version = form._fields.get("version")
        if version is not None and exc.current_version is not None:
            version.raw_data = None
            version.data = exc.current_version
    for name, message in exc.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
    return status


def save_form(form, write: Callable[[], object]) -> int | None:
    """Validate `form`, run `write` (the service call) and commit it. None when it is saved: the view then says so
    and redirects. Otherwise the status to show the form again with: 200 when first shown, 422 for invalid input,
    or what show_refusal answers for a service's refusal — rolled back, so nothing is half-written."""
    if not form.validate_on_submit():
        return 422 if form.is_submitted() else 200
    try:
        write()
    except Refused as exc:
        db.session.rollback()
        return show_refusal(form, exc)
    db.session.commit()
    return None
