"""The choices each form offers, read through the services in the signed-in user's scope.

The pages and the API prepare a form with the same function here (the API imports no view), so that a choice a page
offers is a value the API accepts, and the other way round. Each takes the form and sets its choices; nothing else.
"""
from flask_login import current_user

from app import history_words, pickers
from app.scoping import for_user
from app.services.core import audit
from app.services.funding import contributions as contribution_service
from app.services.treaties.treaty_record import visible_instruments
from forms.base import choices


def activity_form(form) -> None:
    """The instruments (a handful) as options; States, partners, experts and requests are pickers offering only
    what the form holds (a fixed number of queries, whatever the size of the record)."""
    scope = for_user(current_user)
    form.set_instruments(visible_instruments(scope))
    pickers.bind(form, scope)


def contribution_form(form) -> None:
    """The donor: a picker among the organizations that give money; the projects, a few, as options."""
    form.set_projects(contribution_service.projects())
    pickers.bind(form, for_user(current_user))


def allocation_form(form) -> None:
    """The activity: a picker (every activity would be thousands of options)."""
    pickers.bind(form, for_user(current_user))


def expert_form(form) -> None:
    """Affiliation and nationality: pickers (organizations grow with the roster)."""
    pickers.bind(form, for_user(current_user))


def finding_form(form) -> None:
    """State, issue and the activity it was raised in: pickers (the activities number in the thousands)."""
    pickers.bind(form, for_user(current_user))


def request_form(form) -> None:
    """The requesting State: a picker."""
    pickers.bind(form, for_user(current_user))


def assign_form(form) -> None:
    """The officer: a picker among the active officers and managers (or "Nobody")."""
    pickers.bind(form, for_user(current_user))


def treaty_action_form(form) -> None:
    """The participant: a picker; the instruments: the handful the caller may see."""
    scope = for_user(current_user)
    form.instrument.choices = choices([(i.code, f"{i.code} — {i.short_title}") for i in visible_instruments(scope)])
    pickers.bind(form, scope)


def action_form(form) -> None:
    """An action's owner (an active officer or manager), its State, and the activity and request it is raised
    from: pickers."""
    pickers.bind(form, for_user(current_user))


def report_submit_form(form) -> None:
    """The managers a report can be sent to: a picker among the active managers."""
    pickers.bind(form, for_user(current_user))


def account_form(form) -> None:
    """The donor an account is bound to: a picker among the organizations that give money."""
    pickers.bind(form, for_user(current_user))


def audit_filters(form) -> None:
    """The audit trail's actions and kinds of record, each by its label (the values stay the stored codes)."""
    form.set_choices(*audit.vocabulary(), history_words.action_text, history_words.record_type_text)
