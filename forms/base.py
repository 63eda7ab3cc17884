"""Validators and filters that several forms share."""
import functools
import re
from datetime import date
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput, TextInput

from models.user import MIN_PASSWORD_LENGTH

#: scrypt over a megabyte of "password" would be a cheap way to load the server.
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254
#: The 10,000 most common passwords, most common first (provenance: common_passwords.LICENSE beside it). A data
#: file of the application read by path, not an import: forms do not depend on the app package.
COMMON_PASSWORDS = Path(__file__).resolve().parents[1] / "app" / "data" / "common_passwords.txt"
#: Parts of a name or address shorter than this are too common to refuse inside a password ("li", "ann").
MIN_PERSONAL_PART = 4
#: Words anyone guessing at this application's accounts would try first.
CONTEXT_WORDS = ("palermo",)


def strip(value):
    """Filter: surrounding blanks are never meant (a pasted address, a name)."""
    return value.strip() if isinstance(value, str) else value


def normalize_email(value: str | None) -> str:
    """Addresses are stored and compared lower-case, so that `Ann@X.org` and `ann@x.org` are one account."""
    return (value or "").strip().lower()


def checked_email(value: str | None) -> str:
    """The address normalized, or ValueError with a message for the person who typed it.

    Syntax only: no DNS lookup (closed networks), and the reserved `.test` domain is allowed for test accounts.
    """
    email = normalize_email(value)
    if not email:
        raise ValueError(_l("Enter an email address."))
    if len(email) > MAX_EMAIL_LENGTH:
        raise ValueError(gettext("An email address has at most %(n)s characters.", n=MAX_EMAIL_LENGTH))
    try:
        validate_email(email, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(gettext("Not a valid email address: %(why)s", why=exc)) from None
    return email


@functools.cache
def common_passwords() -> frozenset[str]:
    with open(COMMON_PASSWORDS, encoding="utf-8") as handle:
        return frozenset(line.rstrip("\n").lower() for line in handle if line.strip())


def _is_common(password: str) -> bool:
    """A listed password, also with digits or punctuation around it ("Password2024!", "!!iloveyou12")."""
    lowered = password.lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    listed = common_passwords()
    return lowered in listed or (len(core) >= MIN_PERSONAL_PART and core in listed)


def _personal_words(email: str | None, name: str | None) -> list[str]:
    """What a password must not contain: the address, its local part, and each part of the local part and
    of the name of at least MIN_PERSONAL_PART characters — lower-case."""
    email = normalize_email(email)
    local = email.split("@")[0]
    words = [email, local, *re.split(r"[\W_]+", local), *re.split(r"[\W_]+", (name or "").lower()),
             *CONTEXT_WORDS]
    return [w for w in dict.fromkeys(words) if len(w) >= MIN_PERSONAL_PART]


def checked_password(value: str | None, *, email: str | None = None, name: str | None = None) -> str:
    """A new password, or ValueError saying what is wrong with it.

    The one place every new password is judged (the admin forms, the services, `flask users create`), after
    NIST SP 800-63B: long enough, not one of the commonly used passwords, and not built from the account's own
    e-mail address or name, which are the first guesses of anyone who knows whose account it is.
    """
    password = value or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(gettext("A password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(gettext("A password has at most %(n)s characters.", n=MAX_PASSWORD_LENGTH))
    if _is_common(password):
        raise ValueError(_l("That password is one of the most commonly used ones: choose another."))
    if len(set(password)) < MIN_PERSONAL_PART:
        raise ValueError(_l("That password repeats a few characters over and over: choose a less predictable one."))
    lowered = password.lower()
    for word in _personal_words(email, name):
        if word in lowered:
            if word in CONTEXT_WORDS:
                raise ValueError(gettext("A password must not contain the name of this application."))
            raise ValueError(gettext("A password must not contain the account's e-mail or name."))
    return password


class EmailAddress:
    """WTForms validator around `checked_email`."""

    def __call__(self, form, field):
        try:
            checked_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class NewPassword:
    """WTForms validator around `checked_password`; an empty field passes when `optional` (generate one).

    The account's e-mail and name come from the form's `email` and `name` fields (a new account), or from
    `form.password_owner` (email, name) that a form about an existing account sets."""

    def __init__(self, optional: bool = False):
        self.optional = optional

    def __call__(self, form, field):
        if self.optional and not field.data:
            return
        email, name = getattr(form, "password_owner", None) or (
            getattr(getattr(form, "email", None), "data", None), getattr(getattr(form, "name", None), "data", None))
        try:
            checked_password(field.data, email=email, name=name)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def optional_int(value):
    """Coerce for a select whose first choice is "none": '' -> None, '12' -> 12."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # left as is, so the choice check reports "Not a valid choice"


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (plain tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


# --- dates ----------------------------------------------------------------------------------------------------

#: Dates outside these bounds are typing mistakes (9999-12-31, 0001-01-01), and date arithmetic near the ends of
#: the calendar overflows: every date field and the `as_of` parameter refuse them with a message.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def check_date_bounds(value: date | None) -> None:
    """ValueError with a message when `value` lies outside EARLIEST_DATE..LATEST_DATE."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(gettext("%(day)s is out of range: give a date between %(first)s and %(last)s.",
                                 day=value.isoformat(), first=EARLIEST_DATE.year, last=LATEST_DATE.year))


def parse_date(raw: str | None) -> date | None:
    """A YYYY-MM-DD date within bounds, None when empty; ValueError carries the message to show.

    The one parser of typed dates: every date field and the `as_of` parameter of pages and the API use it.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        shown = raw[:40].replace("\x00", "")
        raise ValueError(gettext("“%(text)s” is not a date: write it as YYYY-MM-DD, e.g. 2003-07-02.", text=shown)) \
            from None
    check_date_bounds(value)
    return value


def parse_as_of(raw: str | None, default: date) -> date:
    """The `as_of` parameter: a date as `parse_date` reads it, `default` (today) when empty."""
    return parse_date(raw) or default


class DateInputField(DateField):
    """The one date input: a native date field (YYYY-MM-DD) read by `parse_date`, so its messages and bounds are
    those of every other date in the app."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError as exc:
            self.data = None
            raise ValueError(str(exc)) from None


def date_field(label: str, *validators, **kwargs) -> DateInputField:
    """A DateInputField with the caller's validators."""
    return DateInputField(label, validators=list(validators), **kwargs)


# --- list filters ---------------------------------------------------------------------------------------------

#: Past this, a page number is a mistake (or a probe), not a page.
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 500
#: Ids in URLs and filters are 32-bit on every engine.
MAX_ID = 2**31 - 1


class NumberListField(SelectMultipleField):
    """Record numbers typed as text ("#12, 15; 31"), for a link to records too many to list as options (a
    request among hundreds of thousands). The data is a list of ints, as a multiple select's would be, so the API's
    JSON arrays and the spreadsheet import fill it the same way; which numbers exist, and may be named by the
    user, is the service's check (one query), not a list of choices."""
    widget = TextInput()
    MAX_NUMBERS = 200

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, choices=[], **kwargs)
        self._bad: list[str] = []

    def process_formdata(self, valuelist):
        self._bad, numbers = [], []
        for value in valuelist:
            for token in re.split(r"[\s,;]+", str(value)):
                token = token.strip().lstrip("#")
                if not token:
                    continue
                if token.isdigit() and len(token) <= 9 and int(token) > 0:
                    numbers.append(int(token))
                else:
                    self._bad.append(token[:20])
        self.data = list(dict.fromkeys(numbers))

    def _value(self):
        return ", ".join(f"#{n}" for n in self.data or [])

    def pre_validate(self, form):
        if self._bad:
            raise ValidationError(gettext("Not a number: %(values)s. Give numbers like #12, 15.",
                                          values=", ".join(self._bad[:5])))
        if len(self.data or []) > self.MAX_NUMBERS:
            raise ValidationError(gettext("At most %(n)s numbers.", n=self.MAX_NUMBERS))


def empty_row(form, name: str):
    """An empty row of the FieldList `name` of `form`, numbered `__index__`: the page's <template> that
    app/static/form_rows.js copies to add a row in place (renumbered after the rows on the page)."""
    rows = form[name]
    row = form.meta.bind_field(form, rows.unbound_field, {
        "name": f"{rows.name}-__index__", "id": f"{rows.id}-__index__", "_meta": form.meta,
        "translations": rows._translations})
    row.process(None)
    return row


class VersionField(IntegerField):
    """The version of the record an edit form was rendered from (hidden; rendered as the macro renders hidden
    fields): the write service refuses a save against a record that changed since. Empty on a new record."""
    widget = HiddenInput()

    def __init__(self, label=_l("Version"), validators=None, **kwargs):
        super().__init__(label, validators or [Optional(), NumberRange(1, MAX_ID, _l("Not a version of this record."))],
                         **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:  # a post without it says no version, whatever the object the form was built from holds
            self.data = None
            return
        super().process_formdata(valuelist)


#: What no text column can store: a NUL (PostgreSQL refuses it) and a lone UTF-16 surrogate (no encoding writes it).
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def unstorable_message(text: str) -> str | None:
    """Why `text` cannot be stored (a NUL, a lone surrogate), or None."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return gettext("Contains a NUL character, which no text may hold: type the text again.")
    return gettext("Contains a broken character (a lone UTF-16 surrogate): type the text again.")


class AppForm(FlaskForm):
    """The base of every form: what was posted is first checked for characters no text may hold (a NUL, a lone
    surrogate). They are taken out before any field or validator sees the value (a validator that queries the
    database with it would fail), and the form is refused with the message beside each field that held one, so the
    page shows the form again with the rest of what was typed."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        self._unstorable: dict[str, str] = {}
        if formdata is _Auto and request and request.is_json and not (request.form or request.files):
            formdata = None  # Flask-WTF would parse a JSON body itself, unbounded: pages take form posts only
        formdata = self.meta.wrap_formdata(self, formdata)
        if formdata is not None and hasattr(formdata, "getlist"):
            cleaned = MultiDict()
            for name, value in formdata.items(multi=True):
                if isinstance(value, str) and UNSTORABLE.search(value):
                    self._unstorable.setdefault(UNSTORABLE.sub("", name), unstorable_message(value))
                    value = UNSTORABLE.sub("", value)
                cleaned.add(UNSTORABLE.sub("", name), value)
            if self._unstorable:
                formdata = cleaned
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        unstorable = getattr(self, "_unstorable", {})
        if not unstorable:
            return valid
        for field in _every_field(self):
            message = unstorable.pop(field.name, None)
            if message:
                field.errors = [*field.errors, message]
        if unstorable:  # a name no field of the form has: said on the form as a whole
            self.form_errors.append(gettext("Some of what was sent holds characters no text may hold: %(names)s.",
                                            names=", ".join(sorted(unstorable))))
        return False


def _every_field(form):
    """Every field of a form, those of its rows (FieldList, FormField) included."""
    for field in form:
        entries = getattr(field, "entries", None)
        inner = getattr(field, "form", None)
        if entries is not None:
            for entry in entries:
                sub = getattr(entry, "form", None)
                yield from (_every_field(sub) if sub is not None else [entry])
        elif inner is not None and inner is not form and hasattr(inner, "_fields"):
            yield from _every_field(inner)
        yield field


class FilterForm(AppForm):
    """The base of every list's filters, on pages and in the API alike (GET: no CSRF token, no prefix).

    Declares the paging parameters; a subclass adds its filters and names its sort keys in `SORTS`
    (key -> label) with `DEFAULT_SORT` ("-key" for descending). The API validates its query string with the
    same class and documents it from the fields, so a parameter is declared once.
    """

    class Meta:
        csrf = False

    SORTS: dict[str, str] = {}
    DEFAULT_SORT: str | None = None
    DEFAULT_PER_PAGE = 25

    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(1, MAX_PAGE)],
                        description=_l("Page number, from 1."))
    per_page = IntegerField(_l("Per page"), validators=[Optional(), NumberRange(1, MAX_PER_PAGE)],
                            description=_l("Items per page (1 to %(max)s).", max=MAX_PER_PAGE))
    sort = StringField(_l("Sort"), filters=[strip], validators=[Optional(), Length(max=40)],
                       description=_l("A sort key; prefix it with - for descending order."))

    def validate_sort(self, field):
        if field.data and field.data.lstrip("-") not in self.SORTS:
            raise ValidationError(gettext("Sort by one of: %(keys)s (prefix - for descending).",
                                          keys=", ".join(self.SORTS) or "—"))

    @property
    def sort_key(self) -> tuple[str | None, bool]:
        raw = self.sort.data or self.DEFAULT_SORT or ""
        return (raw.lstrip("-") or None), raw.startswith("-")

    def filter_values(self) -> dict:
        """The list's own filters (everything but paging), as the service's filter dataclass takes them."""
        paging = {"page", "per_page", "sort", "csrf_token"}
        return {name: field.data for name, field in self._fields.items() if name not in paging}


#: Markup in a one-line text: a tag (opening, closing, comment, processing instruction) or an entity.
MARKUP = re.compile(r"<\s*[A-Za-z!/?]|&#?\w+;")


class PlainText:
    """Refuse markup (tags, entities) in a one-line text: it would be shown as typed, never interpreted."""

    def __call__(self, form, field):
        if isinstance(field.data, str) and MARKUP.search(field.data):
            raise ValidationError(_l("Write plain text: markup such as <b> or <script> is not allowed here "
                                  "(it would be shown as typed, not interpreted)."))
