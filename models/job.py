"""Work that runs outside the request (issue 28): one row per job, kept in the database so that the user's
"downloads and imports" page, its history and its results never depend on the queue's broker.

The broker (Redis, through RQ) only carries the job's id to a worker; everything the user sees is here. A job
moves queued -> running -> finished | failed through guarded methods, and a failed job says why in words.
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from models.base import db, fk, one_of, utcnow
from models.enums import N_, LabelledEnum


class JobStatus(LabelledEnum):
    QUEUED = "queued", N_("Waiting")
    RUNNING = "running", N_("Running")
    FINISHED = "finished", N_("Finished")
    FAILED = "failed", N_("Failed")


#: Every kind of job, with what the user reads (the filter of the jobs page); a domain adding a kind adds it here.
JOB_KINDS = {"sheet_import": lazy_gettext("Spreadsheet import"), "treaty_import": lazy_gettext("Treaty table import"),
             "export": lazy_gettext("Export"), "period_report": lazy_gettext("Period report"),
             "iati": lazy_gettext("IATI file")}


class IllegalJobMove(ValueError):
    """A status change the job's workflow does not allow (finishing a job twice, say)."""


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        one_of("status", JobStatus),
        sa.CheckConstraint("done >= 0", name="done_not_negative"),
        sa.CheckConstraint("total IS NULL OR total >= 0", name="total_not_negative"),
        sa.CheckConstraint("time_limit > 0", name="time_limit_positive"),
        sa.Index("ix_jobs_owner_created", "owner_id", "created_at"),
        sa.Index("ix_jobs_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE", index=False)
    #: The registered job function's name (app/services/jobs/registry.py): "sheet_import", "export", …
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: What the user reads in the list ("Import of activities.xlsx").
    label: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: The positional arguments the job function is called with (ids and plain values, never objects).
    args: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=JobStatus.QUEUED.value)
    #: Progress: `done` of `total` steps (total unknown: NULL).
    done: Mapped[int] = mapped_column(nullable=False, default=0)
    total: Mapped[int | None] = mapped_column(nullable=True)
    #: Seconds the job may run before the worker stops it (and it fails, saying so).
    time_limit: Mapped[int] = mapped_column(nullable=False, default=600)
    #: host:pid of the process that runs it (the reaper fails the job when that process is gone).
    worker: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    #: Why it failed, in words the user can act on.
    error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: The result: a short sentence, and a file (name, type, bytes) or a link to the records it made.
    result_summary: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    result_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    result_type: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    result_link: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    #: The file's bytes, loaded only when downloaded (in the database, so a worker on another machine can write it).
    result_data: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary, nullable=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)

    owner = relationship("User")

    @property
    def is_over(self) -> bool:
        return self.status in (JobStatus.FINISHED, JobStatus.FAILED)

    @property
    def status_label(self) -> str:
        return JobStatus.label_of(self.status)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.FINISHED:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def has_file(self) -> bool:
        return self.result_name is not None

    def _move(self, allowed: tuple, to: JobStatus) -> None:
        if self.status not in allowed:
            raise IllegalJobMove(f"A {JobStatus.label_of(self.status).lower()} job cannot become "
                                 f"{to.label.lower()}.")
        self.status = to.value

    def start(self, worker: str) -> None:
        self._move((JobStatus.QUEUED,), JobStatus.RUNNING)
        self.worker, self.started_at, self.error = worker[:200], utcnow(), None

    def finish(self, summary: str | None = None) -> None:
        self._move((JobStatus.RUNNING,), JobStatus.FINISHED)
        self.result_summary, self.finished_at = (summary or "")[:500] or None, utcnow()
        if self.total is not None:
            self.done = self.total

    def fail(self, message: str) -> None:
        """Queued or running -> failed, with the reason in words (a finished job stays finished)."""
        self._move((JobStatus.QUEUED, JobStatus.RUNNING), JobStatus.FAILED)
        self.error, self.finished_at = message[:2000], utcnow()
