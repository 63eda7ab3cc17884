"""Forms of comments: writing one (plain text with @mentions), correcting it within its window, and the filters
of a colleague's mentions list."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.base import AppForm, FilterForm, PlainText, VersionField, choices, strip
from forms.filters import text_filter
from forms.wording import at_most_characters
from models.enums import AttachedTo

MAX_TEXT = 5000
HELP = _l("Plain text. Mention a colleague with @ and the part of their e-mail before the @ (e.g. @ana.ortiz): "
         "they find the comment on their mentions list.")


def _text() -> TextAreaField:
    return TextAreaField(_l("Comment"), filters=[strip], validators=[
        DataRequired(_l("Write the comment.")), Length(max=MAX_TEXT, message=at_most_characters(MAX_TEXT)),
        PlainText()], description=HELP, render_kw={"rows": 3})


class CommentForm(AppForm):
    text = _text()


class CommentEditForm(AppForm):
    text = _text()
    version = VersionField()


class MentionFilterForm(FilterForm):
    SORTS = {"created": _l("Date")}
    DEFAULT_SORT = "-created"

    kind = SelectField(_l("On"), choices=choices([("", _l("Any record"))] + [(k.value, _l(k.english_label)) for k in (
        AttachedTo.REQUEST, AttachedTo.ACTIVITY, AttachedTo.REPORT)]), validators=[Optional()])
    q = text_filter(_l("Text"), _l("Words in the comment."))
