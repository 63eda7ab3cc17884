"""The one way a service refuses a write: a message per form field, or for the whole record.

Views show each message beside its field (`app.views.forms.show_refusal`); the API answers 422 with the same
messages under "fields"; the command line prints them. Nothing is written: the caller rolls back.
"""


class Refused(ValueError):
    """A write the rules refuse. `errors` maps a field name (None: the record as a whole) to its message."""

    def __init__(self, errors: dict[str | None, str] | str, field: str | None = None):
        if isinstance(errors, str):
            errors = {field: errors}
        self.errors: dict[str | None, str] = dict(errors)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return " ".join(str(text) for text in self.errors.values())

    @property
    def field(self) -> str | None:
        """The first field at fault (None for the record as a whole)."""
        return next(iter(self.errors), None)

    def fields(self) -> dict[str, str]:
        """The per-field messages as the API's error format names them ("_record" for the whole)."""
        return {(name or "_record"): message for name, message in self.errors.items()}


class Stale(Refused):
    """A change made from a version of the record that is no longer the current one (a page loaded, or an ETag
    read, before someone else saved). `current_version` is the version as it stands: a form re-rendered with the
    user's input carries it, so that saving again is a deliberate choice; the API answers 412."""

    def __init__(self, message: str, current_version: int | None):
        super().__init__({None: message})
        self.current_version = current_version
