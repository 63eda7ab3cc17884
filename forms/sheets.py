"""Forms of the spreadsheet imports of requests and activities: the upload, and the confirmation of a preview."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from forms.base import AppForm


class SheetUploadForm(AppForm):
    file = FileField(_l("Spreadsheet (CSV or Excel .xlsx)"), validators=[
        FileRequired(_l("Choose the file to import.")),
        FileAllowed(["csv", "txt", "xlsx"], _l("The file must be a CSV file or an Excel workbook (.xlsx)."))],
        description=_l("The first row names the columns (download the template). Nothing is written before you "
                    "confirm the preview."))


class SheetConfirmForm(AppForm):
    """Confirm a stored preview (the CSRF token is the point: the upload is named by the URL)."""
