"""Saving a list's filters and sort under a name (issue 29): the form of the list pages' "Save this view"."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from forms.activities import ActivityFilterForm
from forms.base import AppForm, PlainText, strip
from forms.funding.contributions import ContributionFilterForm
from forms.requests import QueueFilterForm, RequestFilterForm
from forms.work.action_forms import ActionFilterForm
from models.saved_view import LIST_ENDPOINTS, MAX_NAME, MAX_QUERY

#: Each list's filter form: the parameters a view of that list may keep are its fields.
LIST_FORMS = {"queue": QueueFilterForm, "requests": RequestFilterForm, "activities": ActivityFilterForm,
              "actions": ActionFilterForm, "contributions": ContributionFilterForm}


def parameter_names(list_name: str) -> frozenset[str]:
    """The query parameters the list's filter form declares (its filters, sort and page size; never the page)."""
    form_cls = LIST_FORMS[list_name]
    names = {name for name in dir(form_cls) if hasattr(getattr(form_cls, name), "field_class")}
    return frozenset(names - {"page"})


class SavedViewForm(AppForm):
    """Name the list as it is now filtered and sorted; the list and its query string travel as hidden fields."""
    name = StringField(_l("Name of the view"), filters=[strip], validators=[
        InputRequired(_l("Give the view a name.")), Length(max=MAX_NAME), PlainText()])
    is_shared = BooleanField(_l("Share it with the team"),
                             description=_l("Colleagues who open it see only the rows they may see."))
    list_name = HiddenField(validators=[InputRequired(), AnyOf(list(LIST_ENDPOINTS),
                                                               message=_l("Not a list that keeps views."))])
    query = HiddenField(validators=[Optional(), Length(max=MAX_QUERY,
                                                       message=_l("These filters are too long to keep."))])
