"""Forms of attachments: a file added to a record (with a title), and a new version of a file. What the file really
is, and its size, are the attachments service's checks (app/services/attachments/file_checks.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional

from forms.base import AppForm, PlainText, strip

ACCEPT = (".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.png,.jpg,.jpeg,.gif,.webp,.tif,.tiff,.txt,.csv")


def _file() -> FileField:
    return FileField(_l("File"),
                     description=_l("PDF, Word, Excel, PowerPoint, OpenDocument, an image, plain text or CSV."),
                     render_kw={"accept": ACCEPT})


class UploadForm(AppForm):
    file = _file()
    title = StringField(_l("Title"), filters=[strip], validators=[Optional(), Length(max=200), PlainText()],
                        description=_l("What the file is (e.g. “Note verbale of 12 March 2003”); the file name when "
                                    "empty."))


class ReplaceForm(AppForm):
    file = _file()
