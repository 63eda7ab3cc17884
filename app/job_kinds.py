"""Every module that registers a job function or a schedule, imported once by the factory (`register_jobs`), so
that a worker started anywhere knows every kind. A domain adding a jobs.py adds its line here."""
from app import job_exports  # noqa: F401
from app.services.jobs import reaper as job_reaper  # noqa: F401  (the reaper's schedule)
from app.services.mail import jobs as mail_jobs  # noqa: F401  (mail.deliver, DISPATCH, the retries' schedule)
from app.services.notifications import jobs as notification_jobs  # noqa: F401  (digests, reminders, job told)
from app.services.sheets import jobs as sheet_jobs  # noqa: F401
from app.services.treaties import jobs as treaty_jobs  # noqa: F401
