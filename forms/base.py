"""Validators and filters that several forms share."""
from email_validator import EmailNotValidError, validate_email
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from models.user import MIN_PASSWORD_LENGTH

#: scrypt over a megabyte of "password" would be a cheap way to load the server.
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254


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
        raise ValueError("Enter an email address.")
    if len(email) > MAX_EMAIL_LENGTH:
        raise ValueError(f"An email address has at most {MAX_EMAIL_LENGTH} characters.")
    try:
        validate_email(email, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(f"Not a valid email address: {exc}") from None
    return email


def checked_password(value: str | None) -> str:
    """A new password, or ValueError saying what is wrong with it."""
    password = value or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"A password has at most {MAX_PASSWORD_LENGTH} characters.")
    return password


class EmailAddress:
    """WTForms validator around `checked_email`."""

    def __call__(self, form, field):
        try:
            checked_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class NewPassword:
    """WTForms validator around `checked_password`; an empty field passes when `optional` (generate one)."""

    def __init__(self, optional: bool = False):
        self.optional = optional

    def __call__(self, form, field):
        if self.optional and not field.data:
            return
        try:
            checked_password(field.data)
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
