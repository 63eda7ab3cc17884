"""The filters of the "your downloads and imports" list (page and API)."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from forms.base import FilterForm, choices
from forms.filters import text_filter
from models.job import JOB_KINDS, JobStatus


class JobFilterForm(FilterForm):
    SORTS = {"created": _l("Started"), "status": _l("Status"), "kind": _l("Kind"), "label": _l("Name")}
    DEFAULT_SORT = "-created"
    DEFAULT_PER_PAGE = 25

    q = text_filter(_l("Name"), _l("Words in the job's name (the file, the export)."))
    status = SelectField(_l("Status"), choices=choices([("", _l("Any status"))] + JobStatus.choices()),
                         validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=choices([("", _l("Any kind"))] + list(JOB_KINDS.items())),
                       validators=[Optional()])
