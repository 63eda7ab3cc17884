"""The home page: where each instrument stands today, the record's figures, and the panels of each role's work.

Feature blueprints add their panel with `@home_panel(permission, template)` instead of editing this module: the
decorated function gets the caller's Scope and user and returns the template's context (or None to hide the
panel); panels show in the order they are registered, only to users holding the permission.
"""
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user

from app.page_cache import cached_page
from app.permissions import Permission, can, login_required
from app.scoping import for_user
from app.services.overview import home_figures
from app.services.treaties import treaty_record

bp = Blueprint("main", __name__)


@dataclass(frozen=True)
class HomePanel:
    permission: Permission
    template: str
    load: object


HOME_PANELS: list[HomePanel] = []


def home_panel(permission: Permission, template: str):
    """Register a panel of the home page (see the module docstring)."""
    def register(load):
        HOME_PANELS.append(HomePanel(permission, template, load))
        return load
    return register


@bp.get("/")
@login_required
@cached_page
def index():
    today = date.today()
    scope = for_user(current_user)
    instruments = treaty_record.visible_instruments(scope)
    statuses = treaty_record.statuses(instruments, today)
    figures = home_figures.figures(scope, contributions=can(Permission.VIEW_CONTRIBUTIONS),
                               requests=can(Permission.VIEW_REQUESTS))
    panels = []
    for panel in HOME_PANELS:
        if can(panel.permission):
            context = panel.load(scope, current_user._get_current_object())
            if context is not None:
                panels.append((panel.template, context))
    return render_template("overview/main/index.html", today=today, instruments=instruments, statuses=statuses,
                           figures=figures, panels=panels)
