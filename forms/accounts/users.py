"""Account administration forms and the filters of the account and audit lists."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.base import MAX_ID, AppForm, EmailAddress, FilterForm, NewPassword, choices, date_field, strip
from forms.pickers import PickerField
from models.enums import Role

NO_DONOR = ("", _l("— none —"))


def _role_field():
    return SelectField(_l("Role"), choices=choices(Role.choices()), validators=[InputRequired()])


def _donor_field():
    return PickerField(_l("Donor"), kind="organizations", among="donors", blank=NO_DONOR[1],
                       unknown=_l("Choose the donor organization from the list."),
                       description=_l("Donor accounts only: the donor whose contributions the account sees."))


class _RoleAndDonor:
    """Role and donor go together: a donor account sees one donor's money, any other account none."""

    def validate_donor_id(self, field):
        if self.role.data == Role.DONOR.value and field.data is None:
            raise ValidationError(_l("Choose the donor this account belongs to."))
        if self.role.data != Role.DONOR.value and field.data is not None:
            raise ValidationError(_l("Only a donor account is bound to a donor; choose “none”."))


class UserCreateForm(_RoleAndDonor, AppForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[InputRequired(_l("Enter an email address.")),
                                                              EmailAddress()])
    name = StringField(_l("Name"), filters=[strip], validators=[InputRequired(_l("Enter the person's name.")),
                                                            Length(max=120)])
    role = _role_field()
    donor_id = _donor_field()
    password = PasswordField(_l("Password"), validators=[NewPassword(optional=True)],
                             description=_l("Leave empty to generate one; it is shown once."),
                             render_kw={"autocomplete": "new-password"})


class UserEditForm(_RoleAndDonor, AppForm):
    name = StringField(_l("Name"), filters=[strip], validators=[InputRequired(_l("Enter the person's name.")),
                                                            Length(max=120)])
    role = _role_field()
    donor_id = _donor_field()


class PasswordResetForm(AppForm):
    password = PasswordField(_l("New password"), validators=[NewPassword(optional=True)],
                             description=_l("Leave empty to generate one; it is shown once."),
                             render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        #: Whose password it is: NewPassword refuses one built from their e-mail or name.
        self.password_owner = (account.email, account.name) if account is not None else None


class TokenForm(AppForm):
    name = StringField(_l("Token name"), filters=[strip], validators=[Optional(), Length(max=80)],
                       description=_l("What the token is for, e.g. “reporting script”."))
    scope = SelectField(_l("Scope"), choices=[("read", _l("Read only")), ("read write", _l("Read and write"))],
                        default="read",
                        description=_l("Writing still needs the account's role to allow it (a donor writes nothing)."))


ACTIVE_CHOICES = [("", _l("Any")), ("yes", _l("Active")), ("no", _l("Deactivated"))]


class UserFilterForm(FilterForm):
    SORTS = {"email": _l("Email"), "name": _l("Name"), "role": _l("Role"), "created": _l("Created"),
             "last_login": _l("Last sign-in")}
    DEFAULT_SORT = "email"

    q = StringField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=100)],
                    description=_l("Part of a name or an email address."))
    role = SelectField(_l("Role"), choices=choices([("", _l("Any"))] + Role.choices()), validators=[Optional()])
    active = SelectField(_l("Status"), choices=choices(ACTIVE_CHOICES), validators=[Optional()])


class AuditFilterForm(FilterForm):
    DEFAULT_PER_PAGE = 50

    actor = StringField(_l("Actor"), filters=[strip], validators=[Optional(), Length(max=254)],
                        description=_l("Part of an email address, or “cli”, “anonymous”."))
    action = SelectField(_l("Action"), choices=choices([("", _l("Any"))]), validators=[Optional()])
    record_type = SelectField(_l("Record type"), choices=choices([("", _l("Any"))]), validators=[Optional()])
    record_id = IntegerField(_l("Record id"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    date_from = date_field(_l("From"), Optional())
    date_to = date_field(_l("To"), Optional())

    def set_choices(self, actions, record_types, action_label=str, record_type_label=str) -> None:
        """The actions and kinds of record the trail holds, each shown by its label (the page passes
        `app.history_words`' functions: forms import nothing from the app)."""
        self.action.choices = choices([("", _l("Any"))] + [(a, action_label(a)) for a in actions])
        self.record_type.choices = choices([("", _l("Any"))] + [(t, record_type_label(t)) for t in record_types])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
