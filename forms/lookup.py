"""The query of a type-ahead picker's search (`GET /api/v1/lookup/<kind>?q=`): declared once, validated and
documented from here."""
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from forms.base import AppForm, choices, strip

#: Longest text a lookup takes: a name, a title's words or a number (app.services.overview.lookup.MAX_QUERY).
MAX_QUERY = 100
#: The narrower sets a field may search among (app.services.overview.lookup.KINDS): the kind says which it has.
AMONG = {"staff": "users: officers and managers, deactivated ones too",
         "assignable": "users: active officers and managers",
         "approvers": "users: active managers",
         "donors": "organizations: those that give money"}


class LookupForm(AppForm):
    class Meta:
        csrf = False

    q = StringField("Text", filters=[strip], validators=[Optional(), Length(max=MAX_QUERY)],
                    description="What was typed: part of a name or title (a State's earlier names too), or a record "
                                "number (#16 or 16). Empty: the first records in order.")
    among = SelectField("Among", choices=choices([("", "")] + [(k, k) for k in AMONG]), validators=[Optional()],
                        description="Only the records of a narrower set: " + "; ".join(
                            f"{k} ({v})" for k, v in AMONG.items()) + ".")
