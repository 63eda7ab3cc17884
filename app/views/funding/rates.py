"""The exchange-rate table admins keep (no network lookups): list, add, edit, remove."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.formatting import format_date
from app.permissions import Permission, permission_required
from app.services.core.errors import Refused
from app.services.funding import rates as rate_service
from app.views.helpers import list_filters, show_refusal
from forms.funding.rates import RateFilterForm, RateForm
from models import ExchangeRate, db

bp = Blueprint("rates", __name__, url_prefix="/rates")


def get_rate_or_404(rate_id: int) -> ExchangeRate:
    return rate_service.get(rate_id) or abort(404)


@bp.get("/")
@permission_required(Permission.MANAGE_REFERENCE)
def index():
    form, filters, paging = list_filters(RateFilterForm)
    if filters is None:
        return render_template("funding/rates/list.html", form=form, page=None), 400
    return render_template("funding/rates/list.html", form=form,
                           page=rate_service.list_page(rate_service.RateFilters(**filters), paging))


def _save(form, current: ExchangeRate | None):
    if form.validate_on_submit():
        try:
            rate = rate_service.save(current, form.currency.data, form.rate.data, form.valid_from.data,
                                     form.source.data)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash(_("Saved the %(currency)s rate from %(day)s.", currency=rate.currency,
                    day=format_date(rate.valid_from)),
                  "success")
            return redirect(url_for("rates.index"))
    return render_template("funding/rates/form.html", form=form, rate=current), 422 if form.is_submitted() else 200


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def new():
    return _save(RateForm(), None)


@bp.route("/<int:rate_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def edit(rate_id: int):
    rate = get_rate_or_404(rate_id)
    return _save(RateForm(obj=rate), rate)


@bp.post("/<int:rate_id>/delete")
@permission_required(Permission.MANAGE_REFERENCE)
def delete(rate_id: int):
    rate = get_rate_or_404(rate_id)
    rate_service.delete(rate)
    db.session.commit()
    flash(_("Rate removed."), "success")
    return redirect(url_for("rates.index"))
