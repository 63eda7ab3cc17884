"""Forms of donor contributions: the list's filters (pages and API), recording and editing a contribution, moving
it along pledged -> committed -> received, and allocating it to an activity."""
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forms.base import AppForm, FilterForm, VersionField, choices, date_field, optional_int, strip
from forms.filters import (
    INSTRUMENT_CODES,
    CodeField,
    enum_filter,
    flag_filter,
    group_filter,
    id_filter,
    instrument_filter,
    record_filter,
    text_filter,
)
from forms.funding.codelists import currency_problem
from forms.pickers import PickerField
from models.contribution import MAX_AMOUNT
from models.enums import ContributionStatus, RegionalGroup


def _upper(value):
    return value.upper() if isinstance(value, str) else value


class ContributionFilterForm(FilterForm):
    """The contribution list's parameters, on the page and in the API alike."""
    SORTS = {"id": _l("Number"), "date": _l("Pledged"), "amount": _l("Amount"), "status": _l("Status"),
             "donor": _l("Donor")}
    DEFAULT_SORT = "id"

    q = text_filter(_l("Text"), _l("Words in the donor's name or acronym or the project's title, a State the funded "
                    "activities served (any of its names), or a contribution's number (#16)."))
    status = enum_filter(_l("Status"), ContributionStatus)
    donor = text_filter(_l("Donor"), _l("Part of the donor's name, or its acronym."), max_length=120)
    donor_id = record_filter(_l("Donor id"), "organizations", _l("One donor organization, by its id."),
                             among="donors")
    currency = CodeField(_l("Currency"), _l("An ISO 4217 code, e.g. USD."))
    project = id_filter(_l("Project"), _l("A project's id."))
    instrument = instrument_filter(_l("Earmarked for"))
    region = group_filter(_l("Earmarked region"))
    activity = record_filter(_l("Activity"), "activities", _l("An activity's id: the contributions allocated to it."))
    date_from = date_field(_l("Pledged from"), Optional())
    date_to = date_field(_l("Pledged to"), Optional())
    unrecorded = flag_filter(_l("Amount not recorded"), _l("Committed or received with no amount recorded: the "
                                                           "contributions the totals leave out."))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("“Pledged to” is before “Pledged from”."))


# --- money ----------------------------------------------------------------------------------------------------

def amount_problem(value: Decimal | None) -> str | None:
    """Why `value` is not an amount of money we accept (None when it is): positive, two decimals, at most 10^12."""
    if value is None:
        return gettext("Give the amount, or tick “Amount not recorded”.")
    if not value.is_finite():
        return gettext("Give the amount as a number, e.g. 250000.00.")
    if value <= 0:
        return gettext("The amount must be more than zero.")
    if value > MAX_AMOUNT:
        # An amount past the decimal context's precision (1e309) cannot be rounded to cents: shown as typed.
        shown = format_decimal(value, "#,##0.00") if value.adjusted() < 24 else str(value)
        return gettext("%(amount)s is not a plausible amount: at most %(limit)s.",
                       amount=shown, limit=format_decimal(MAX_AMOUNT, "#,##0"))
    if value != value.quantize(Decimal("0.01")):
        return gettext("Give at most two decimals (cents).")
    return None


class AmountField(DecimalField):
    """A decimal amount; the typed text is kept on error. Thousands separators (1,250,000.50) are allowed."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip().replace(",", "").replace(" ", "")
        if not raw:
            self.data = None
            return
        try:
            self.data = Decimal(raw[:40])
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Give the amount as a number, e.g. 250000.00.")) from None


def _check_amount(form, field):
    problem = amount_problem(field.data)
    if field.data is not None and problem:
        raise ValidationError(problem)


def _check_currency(form, field):
    if field.data:
        problem = currency_problem(field.data)
        if problem:
            raise ValidationError(problem)


# --- contributions --------------------------------------------------------------------------------------------

class ContributionForm(AppForm):
    """A contribution's facts and earmark (its status moves through StatusForm, one guarded step at a time)."""
    donor_id = PickerField(_l("Donor"), [DataRequired(_l("Choose the donor."))], kind="organizations", among="donors",
                           blank=_l("Choose a donor"), unknown=_l("Choose the donor from the list."))
    project_id = SelectField(_l("Project"), coerce=optional_int, validators=[Optional()],
                             description=_l("The project the money is earmarked for, if any."))
    amount_not_recorded = BooleanField(_l("Amount not recorded"),
                                       description=_l("Tick when the source gives no amount (A/58/165 gives none)."))
    amount = AmountField(_l("Amount"), validators=[Optional(), _check_amount])
    currency = StringField(_l("Currency"), filters=[strip, _upper], validators=[Optional(), Length(max=3),
                                                                             _check_currency],
                           description=_l("ISO 4217 code, e.g. USD, EUR, JPY."))
    pledged_date = date_field(_l("Pledged on"), Optional())
    instruments = SelectMultipleField(_l("Earmarked for instruments"), choices=choices((c,
                                                                                        c) for c in INSTRUMENT_CODES),
                                      validators=[Optional()],
                                      description=_l("None chosen: any instrument."))
    regions = SelectMultipleField(_l("Earmarked for regions"), choices=choices(RegionalGroup.choices()),
                                  validators=[Optional()], description=_l("None chosen: any region."))
    period_start = date_field(_l("Earmark period from"), Optional())
    period_end = date_field(_l("Earmark period to"), Optional())
    source = StringField(_l("Source"), filters=[strip], validators=[Optional(), Length(max=120)],
                         description=_l("Where the record comes from, e.g. an agreement's reference."))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=4000)])
    #: Set when editing: the version the form was rendered from.
    version = VersionField()

    def set_projects(self, projects) -> None:
        self.project_id.choices = choices([("", _l("No project"))] + [(p.id, p.title) for p in projects])

    def validate_amount(self, field):
        if self.amount_not_recorded.data:
            if field.data is not None:
                raise ValidationError(_l("Either give the amount or tick “Amount not recorded”, not both."))
        elif field.data is None and not field.errors:
            raise ValidationError(_l("Give the amount, or tick “Amount not recorded”."))

    def validate_currency(self, field):
        if not self.amount_not_recorded.data and not field.data:
            raise ValidationError(_l("Give the currency, an ISO 4217 code such as USD."))

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The earmark period ends before it starts."))

    def values(self) -> dict:
        """What the service takes: the amount and currency only where the amount is recorded."""
        recorded = not self.amount_not_recorded.data
        return {"donor_id": self.donor_id.data, "project_id": self.project_id.data,
                "amount": self.amount.data if recorded else None, "currency": self.currency.data if recorded else None,
                "pledged_date": self.pledged_date.data, "instruments": tuple(self.instruments.data or ()),
                "regions": tuple(self.regions.data or ()), "period_start": self.period_start.data,
                "period_end": self.period_end.data, "source": self.source.data, "note": self.note.data}


class ContributionCreateForm(ContributionForm):
    """Recording a contribution: it may already be committed or received (each step with its date)."""
    version = None  # a new record has none
    status = SelectField(_l("Status now"), choices=choices(ContributionStatus.choices()),
                         default=ContributionStatus.PLEDGED.value)
    committed_date = date_field(_l("Committed on"), Optional())
    received_date = date_field(_l("Received on"), Optional())

    def validate_received_date(self, field):
        if field.data and self.pledged_date.data and field.data < self.pledged_date.data:
            raise ValidationError(_l("The money cannot be received before it was pledged."))
        if field.data and self.committed_date.data and field.data < self.committed_date.data:
            raise ValidationError(_l("The money cannot be received before it was committed."))

    def validate_committed_date(self, field):
        if field.data and self.pledged_date.data and field.data < self.pledged_date.data:
            raise ValidationError(_l("The money cannot be committed before it was pledged."))


class StatusForm(AppForm):
    """One step of pledged -> committed -> received, with its date."""
    on = date_field(_l("On"), DataRequired(_l("Give the date of this step.")))
    reason = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])
    #: The version of the contribution the page showed: a step taken on one that changed since is refused.
    version = VersionField()


class AllocationForm(AppForm):
    """Part of a contribution allocated to one activity."""
    activity_id = PickerField(_l("Activity"), [DataRequired(_l("Choose the activity."))], kind="activities",
                              blank=_l("Choose an activity"), unknown=_l("Choose the activity from the list."),
                              description=_l("Type its number (#16) or words of its title."))
    amount = AmountField(_l("Amount"), validators=[Optional(), _check_amount],
                         description=_l("In the contribution's currency; leave empty when it is not recorded."))
    is_inferred = BooleanField(_l("Inferred"), description=_l("Tick when the source does not say that this money "
                                                              "paid for this activity, and the record infers it."))
    basis = TextAreaField(_l("Basis"), filters=[strip], validators=[Optional(), Length(max=2000)],
                          description=_l("The source's words, or the reasoning behind the inference."))

    def validate_basis(self, field):
        if self.is_inferred.data and not field.data:
            raise ValidationError(_l("Say what the inference rests on."))
