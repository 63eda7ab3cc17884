"""The global search's one parameter."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from forms.base import FilterForm, strip


class SearchForm(FilterForm):
    q = StringField(_l("Search for"), filters=[strip], validators=[Optional(), Length(max=120)],
                    description=_l("A State by any of its names or its code, a request's subject, an activity's title, "
                                "an expert's or an organization's name."))
