"""The filters of the "your downloads and imports" list (page and API)."""
from wtforms import SelectField
from wtforms.validators import Optional

from forms.base import FilterForm, choices
from forms.filters import text_filter
from models.job import JOB_KINDS, JobStatus


class JobFilterForm(FilterForm):
    SORTS = {"created": "Started", "status": "Status", "kind": "Kind", "label": "Name"}
    DEFAULT_SORT = "-created"
    DEFAULT_PER_PAGE = 25

    q = text_filter("Name", "Words in the job's name (the file, the export).")
    status = SelectField("Status", choices=choices([("", "Any status")] + JobStatus.choices()),
                         validators=[Optional()])
    kind = SelectField("Kind", choices=choices([("", "Any kind")] + list(JOB_KINDS.items())),
                       validators=[Optional()])
