"""Forms of a person's own account: the profile (name, notification preferences), changing the password, asking
for a forgotten-password link, choosing a new password from that link."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from forms.base import (
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    AppForm,
    NewPassword,
    PlainText,
    SelectChoice,
    choices,
    strip,
)
from models.notification import Delivery, NotificationKind


def _new_password() -> PasswordField:
    return PasswordField(_l("New password"), validators=[InputRequired(_l("Choose a new password.")), NewPassword()],
                         description=_l("At least 12 characters; not built from your e-mail or name."),
                         render_kw={"autocomplete": "new-password"})


def _confirm() -> PasswordField:
    return PasswordField(_l("New password again"), validators=[
        InputRequired(_l("Type the new password again.")), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class _OwnerForm(AppForm):
    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        #: Whose password it is: NewPassword refuses one built from their e-mail or name.
        self.password_owner = (account.email, account.name) if account is not None else None


class ChangePasswordForm(_OwnerForm):
    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(_l("Enter your current password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"})
    password = _new_password()
    confirm = _confirm()


class ResetPasswordForm(_OwnerForm):
    password = _new_password()
    confirm = _confirm()


class ForgotPasswordForm(AppForm):
    # No format check beyond the length: any answer but the one answer would say something about the address.
    email = EmailField(_l("Email"), filters=[strip], validators=[
        InputRequired(_l("Enter the e-mail address of your account.")), Length(max=MAX_EMAIL_LENGTH)],
        render_kw={"autocomplete": "username", "autofocus": True})


DELIVERY_CHOICES = choices(Delivery.choices())


class ProfileForm(AppForm):
    """The name, then one choice per kind of notification (fields `pref_<kind>`)."""
    name = StringField(_l("Name"), filters=[strip], validators=[InputRequired(_l("Enter your name.")), Length(max=120),
                                                            PlainText()])
    #: Empty: follow the browser's Accept-Language (users.language NULL).
    language = SelectField(_l("Language"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice("", _l("The one my browser asks for")), *language_choices()]

    def preference_fields(self):
        return [getattr(self, f"pref_{k.value}") for k in NotificationKind]

    def preferences(self) -> dict[str, str]:
        return {k.value: getattr(self, f"pref_{k.value}").data for k in NotificationKind}


for _kind in NotificationKind:
    setattr(ProfileForm, f"pref_{_kind.value}",
            SelectField(_l(_kind.english_label), choices=DELIVERY_CHOICES,
                        validators=[InputRequired(_l("Choose how."))]))


class LanguageForm(AppForm):
    """The switcher in the header: one of the offered languages, and the page to go back to."""
    language = SelectField(_l("Language"), validators=[InputRequired(_l("Choose a language."))])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


def language_choices() -> list:
    """The offered languages (config LANGUAGES), each by its own name."""
    names = current_app.config["LANGUAGE_NAMES"]
    return choices((code, names.get(code, code)) for code in current_app.config["LANGUAGES"])
