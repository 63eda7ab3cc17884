"""The treaty table import's confirmation as a job (issue 28). All or nothing as before: the depositary's table
and the job's "finished" commit together; a refusal (another import of the instrument in progress, a removal of
most of the record not confirmed, the record changed since the preview) fails the job with the reason in words
and writes nothing. Run twice, it imports once: the second run finds the import's audit entry and says so."""
from __future__ import annotations

from flask_babel import gettext as _

from app.languages import speaking
from app.services.jobs.registry import JobFailed, Result, job
from app.services.treaties import treaty_import_previews
from app.services.treaties.treaty_import import ImportBusy, ImportRefused, MassRemovalRefused
from models import User, db


def _done(exc: treaty_import_previews.PreviewAlreadyImported) -> Result:
    return Result(exc.lines()[0], link=f"/instruments/{exc.code}" if exc.code else None)


@job("treaty_import", time_limit=600)
def confirm_preview(preview_id: str, user_id: int, allow_mass_removal: bool | int = False,
                    language: str | None = None) -> Result:
    """Import the previewed table `preview_id` as `user_id`, once; what it says, in `language` (the page's)."""
    with speaking(language):
        return _confirm(preview_id, user_id, allow_mass_removal)


def _confirm(preview_id: str, user_id: int, allow_mass_removal: bool | int) -> Result:
    actor = db.session.get(User, user_id)
    if actor is None or not actor.is_active:
        raise JobFailed(_("The account that started this import no longer exists or is disabled: nothing was "
                          "imported."))
    entry = treaty_import_previews.imported(preview_id)
    if entry is not None:
        return _done(treaty_import_previews.PreviewAlreadyImported(entry))
    preview = treaty_import_previews.load(preview_id)
    if preview is None or preview.expired:
        raise JobFailed(_("The preview of this table is more than an hour old or was removed: upload the file again. "
                        "Nothing was imported."))
    try:
        report = treaty_import_previews.confirm(preview, actor=actor, allow_mass_removal=allow_mass_removal)
    except treaty_import_previews.PreviewAlreadyImported as exc:
        return _done(exc)
    except MassRemovalRefused as exc:
        raise JobFailed(_("%(refusal)s Nothing was imported: open the preview again and tick the box that names "
                          "the count if the depositary did withdraw them.", refusal=exc.lines()[0])) from None
    except (ImportBusy, ImportRefused) as exc:
        raise JobFailed(" ".join(exc.lines()[:10])) from None
    summary = _("Imported %(file)s: %(summary)s.", file=preview.filename, summary=report.summary())
    if report.warnings:
        shown = "; ".join(report.warnings[:3]) + (" …" if len(report.warnings) > 3 else "")
        summary += " " + _("Warnings: %(warnings)s (all of them in the audit trail).", warnings=shown)
    return Result(summary[:500], link=f"/instruments/{report.instrument}")
