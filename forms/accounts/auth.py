"""The sign-in form (CONTRACT.md: fields `email`, `password` and Flask-WTF's `csrf_token`)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from forms.base import MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, AppForm, strip


class LoginForm(AppForm):
    # No format check on the address here: any answer other than "incorrect" would say something about it.
    email = EmailField(_l("Email"), filters=[strip],
                       validators=[InputRequired(_l("Enter your email address.")), Length(max=MAX_EMAIL_LENGTH)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"),
                             validators=[InputRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    #: Off unless chosen: a shared computer must not keep the session.
    remember = BooleanField(_l("Keep me signed in on this computer"), default=False)
