"""The query of a type-ahead picker's search (`GET /api/v1/lookup/<kind>?q=`): declared once, validated and
documented from here."""
from wtforms import StringField
from wtforms.validators import Length, Optional

from forms.base import AppForm, strip

#: Longest text a lookup takes: a name, a title's words or a number (app.services.overview.lookup.MAX_QUERY).
MAX_QUERY = 100


class LookupForm(AppForm):
    class Meta:
        csrf = False

    q = StringField("Text", filters=[strip], validators=[Optional(), Length(max=MAX_QUERY)],
                    description="What was typed: part of a name or title (a State's earlier names too), or a record "
                                "number (#16 or 16). Empty: the first records in order.")
