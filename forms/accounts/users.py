"""Account administration forms and the filters of the account and audit lists."""
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.base import MAX_ID, AppForm, EmailAddress, FilterForm, NewPassword, choices, date_field, optional_int, strip
from models.enums import Role

NO_DONOR = ("", "— none —")


def _role_field():
    return SelectField("Role", choices=choices(Role.choices()), validators=[InputRequired()])


def _donor_field():
    return SelectField("Donor", coerce=optional_int, choices=choices([NO_DONOR]),
                       description="Donor accounts only: the donor whose contributions the account sees.")


class _RoleAndDonor:
    """Role and donor go together: a donor account sees one donor's money, any other account none."""

    def set_donor_choices(self, organizations) -> None:
        self.donor_id.choices = choices([NO_DONOR] + [(o.id, o.display_name) for o in organizations])

    def validate_donor_id(self, field):
        if self.role.data == Role.DONOR.value and field.data is None:
            raise ValidationError("Choose the donor this account belongs to.")
        if self.role.data != Role.DONOR.value and field.data is not None:
            raise ValidationError("Only a donor account is bound to a donor; choose “none”.")


class UserCreateForm(_RoleAndDonor, AppForm):
    email = EmailField("Email", filters=[strip], validators=[InputRequired("Enter an email address."),
                                                              EmailAddress()])
    name = StringField("Name", filters=[strip], validators=[InputRequired("Enter the person's name."),
                                                            Length(max=120)])
    role = _role_field()
    donor_id = _donor_field()
    password = PasswordField("Password", validators=[NewPassword(optional=True)],
                             description="Leave empty to generate one; it is shown once.",
                             render_kw={"autocomplete": "new-password"})


class UserEditForm(_RoleAndDonor, AppForm):
    name = StringField("Name", filters=[strip], validators=[InputRequired("Enter the person's name."),
                                                            Length(max=120)])
    role = _role_field()
    donor_id = _donor_field()


class PasswordResetForm(AppForm):
    password = PasswordField("New password", validators=[NewPassword(optional=True)],
                             description="Leave empty to generate one; it is shown once.",
                             render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        #: Whose password it is: NewPassword refuses one built from their e-mail or name.
        self.password_owner = (account.email, account.name) if account is not None else None


class TokenForm(AppForm):
    name = StringField("Token name", filters=[strip], validators=[Optional(), Length(max=80)],
                       description="What the token is for, e.g. “reporting script”.")
    scope = SelectField("Scope", choices=[("read", "Read only"), ("read write", "Read and write")], default="read",
                        description="Writing still needs the account's role to allow it (a donor writes nothing).")


ACTIVE_CHOICES = [("", "Any"), ("yes", "Active"), ("no", "Deactivated")]


class UserFilterForm(FilterForm):
    SORTS = {"email": "Email", "name": "Name", "role": "Role", "created": "Created", "last_login": "Last sign-in"}
    DEFAULT_SORT = "email"

    q = StringField("Search", filters=[strip], validators=[Optional(), Length(max=100)],
                    description="Part of a name or an email address.")
    role = SelectField("Role", choices=choices([("", "Any")] + Role.choices()), validators=[Optional()])
    active = SelectField("Status", choices=choices(ACTIVE_CHOICES), validators=[Optional()])


class AuditFilterForm(FilterForm):
    DEFAULT_PER_PAGE = 50

    actor = StringField("Actor", filters=[strip], validators=[Optional(), Length(max=254)],
                        description="Part of an email address, or “cli”, “anonymous”.")
    action = SelectField("Action", choices=choices([("", "Any")]), validators=[Optional()])
    record_type = SelectField("Record type", choices=choices([("", "Any")]), validators=[Optional()])
    record_id = IntegerField("Record id", validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    date_from = date_field("From", Optional())
    date_to = date_field("To", Optional())

    def set_choices(self, actions, record_types, action_label=str, record_type_label=str) -> None:
        """The actions and kinds of record the trail holds, each shown by its label (the page passes
        `app.history_words`' functions: forms import nothing from the app)."""
        self.action.choices = choices([("", "Any")] + [(a, action_label(a)) for a in actions])
        self.record_type.choices = choices([("", "Any")] + [(t, record_type_label(t)) for t in record_types])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")
