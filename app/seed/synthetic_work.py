"""The work loop in the synthetic data (issue 27): reports, follow-up actions, comments with their mentions and
attachment records, in proportion to the activities and requests `flask seed synthetic` made, written in bulk.

Proportions: a report for four in five activities that took place (approved for the completed ones, a draft or
submitted for those under way), one action per 20 requests (a quarter of them closed, some overdue), one comment
per 5 requests (on requests, activities and reports; one in four mentions a colleague), one attachment per 20
activities. Attachments are records only: their bytes are not written to the storage (a download of one answers
404, "missing from the attachment storage"), which is all a benchmark of pages needs.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from app.seed.synthetic_rows import SYNTHETIC_TODAY
from app.seed.synthetic_rows import at as synthetic_at
from app.services.attachments.storage import key_for
from models import (
    ActionStatusChange,
    Activity,
    ActivityReport,
    AssistanceRequest,
    Attachment,
    AttachmentVersion,
    Comment,
    FollowUpAction,
    Mention,
    ReportStatusChange,
    User,
    db,
)
from models.activity_report import report_approvers
from models.enums import ActionStatus, Priority

SUMMARY = ("<p>The mission met the {} and reviewed the draft legislation with the drafting committee.</p>"
           "<ul><li>Criminalization of participation in an organized criminal group</li>"
           "<li>Liability of legal persons</li></ul>")
COMMENTS = ["Spoke to the Permanent Mission today; they expect the note verbale next week.",
            "The draft law reached the committee: see the attached file.",
            "Can we align this with the regional workshop?", "Follow-up agreed with the Ministry of Justice."]


def _ids(generator, *tables) -> dict[str, int]:
    return {t.name: (db.session.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0) + 1 for t in tables}


def generate_work(generator) -> None:
    """Add the work loop's rows for the activities and requests `generator` (app.seed.synthetic) wrote."""
    staff = db.session.execute(sa.select(User.id, User.role, User.email).where(
        User.email.like(f"synthetic-%-{generator.seed}-%@synthetic.test")).order_by(User.id)).all()
    officers = [u.id for u in staff if u.role == "officer"] or [u.id for u in staff]
    managers = [u.id for u in staff if u.role == "manager"] or officers
    activities = db.session.execute(sa.select(Activity.id, Activity.status, Activity.first_visit_date).where(
        Activity.source == generator.source).order_by(Activity.id)).all()
    requests = list(db.session.scalars(sa.select(AssistanceRequest.id).where(
        AssistanceRequest.source == generator.source).order_by(AssistanceRequest.id)))
    states = list(db.session.scalars(sa.select(AssistanceRequest.state_id).where(
        AssistanceRequest.source == generator.source).order_by(AssistanceRequest.id)))
    if not staff or not activities:
        return
    reports = _reports(generator, activities, officers, managers)
    _actions(generator, activities, requests, states, officers)
    _comments(generator, activities, requests, reports, staff)
    _attachments(generator, activities, officers)
    generator.tick(2000)


def _reports(generator, activities, officers, managers) -> list[int]:
    rng, today = generator.rng, _today()
    ids = _ids(generator, ActivityReport.__table__, ReportStatusChange.__table__)
    rows, steps, approvers = [], [], []
    step_id = ids["report_status_changes"]
    for activity in activities:
        if activity.status not in ("completed", "under_way") or rng.random() > 0.8:
            continue
        report_id = ids["activity_reports"] + len(rows)
        author, approver = rng.choice(officers), rng.choice(managers)
        day = min(activity.first_visit_date or today, today)
        at = generator_at(day + timedelta(days=rng.randint(5, 40)), rng, today)
        status = "approved" if activity.status == "completed" else rng.choice(["draft", "submitted"])
        rows.append({"id": report_id, "version": 1, "activity_id": activity.id, "reference_key": None,
                     "status": status, "summary": SUMMARY.format("Ministry of Justice"),
                     "recommendations": "<p>Amend the penal code to criminalize participation in an organized "
                                        "criminal group.</p>", "outcome": None, "author_id": author,
                     "submitted_at": at if status != "draft" else None,
                     "approved_at": at + timedelta(days=3) if status == "approved" else None,
                     "approved_by_id": approver if status == "approved" else None, "source": None,
                     "created_at": at, "updated_at": at + timedelta(days=3)})
        if status != "draft":
            approvers.append({"report_id": report_id, "user_id": approver})
            steps.append({"id": step_id, "report_id": report_id, "actor_id": author, "changed_at": at,
                          "from_status": "draft", "to_status": "submitted", "reason": None, "sent_to": ["Manager"]})
            step_id += 1
        if status == "approved":
            steps.append({"id": step_id, "report_id": report_id, "actor_id": approver,
                          "changed_at": at + timedelta(days=3), "from_status": "submitted", "to_status": "approved",
                          "reason": None, "sent_to": []})
            step_id += 1
    generator.write(ActivityReport.__table__, rows)
    generator.write(report_approvers, approvers)
    generator.write(ReportStatusChange.__table__, steps)
    return [r["id"] for r in rows]


def _today():
    return SYNTHETIC_TODAY


def generator_at(day, rng, today):
    """An instant on `day` (never after the synthetic today)."""
    return synthetic_at(min(day, today), rng)


def _actions(generator, activities, requests, states, officers) -> None:
    rng, today = generator.rng, _today()
    ids = _ids(generator, FollowUpAction.__table__, ActionStatusChange.__table__)
    rows, steps = [], []
    for n in range(max(1, len(requests) // 20)):
        action_id = ids["follow_up_actions"] + n
        index = rng.randrange(len(requests)) if requests else None
        activity = rng.choice(activities) if rng.random() < 0.5 else None
        due = today + timedelta(days=rng.randint(-60, 120))
        status = rng.choice(["open", "open", "in_progress", "done"])
        priority = rng.choice([p.value for p in Priority])
        created = generator_at(due - timedelta(days=rng.randint(10, 90)), rng, today)
        rows.append({"id": action_id, "version": 1, "description": f"Follow up on the recommendations ({n + 1})",
                     "owner_id": rng.choice(officers), "due_date": due, "priority": priority,
                     "priority_rank": Priority(priority).rank, "status": status,
                     "state_id": states[index] if index is not None else generator.countries[0].id,
                     "activity_id": activity.id if activity else None,
                     "request_id": requests[index] if index is not None and not activity else None,
                     "finding_id": None, "raised_by_id": rng.choice(officers),
                     "closed_at": min(due, today) if status == ActionStatus.DONE.value else None,
                     "created_at": created, "updated_at": created})
        steps.append({"id": ids["action_status_changes"] + n, "action_id": action_id, "actor_id": None,
                      "changed_at": created, "from_status": None, "to_status": status, "reason": None})
    generator.write(FollowUpAction.__table__, rows)
    generator.write(ActionStatusChange.__table__, steps)


def _comments(generator, activities, requests, reports, staff) -> None:
    rng, today = generator.rng, _today()
    ids = _ids(generator, Comment.__table__, Mention.__table__)
    rows, mentions = [], []
    for n in range(max(1, len(requests) // 5)):
        comment_id = ids["comments"] + n
        target = rng.random()
        author = rng.choice(staff)
        named = rng.choice(staff) if rng.random() < 0.25 else None
        text = rng.choice(COMMENTS) + (f" @{named.email.split('@')[0]}" if named and named.id != author.id else "")
        at = generator_at(today - timedelta(days=rng.randint(0, 2000)), rng, today)
        rows.append({"id": comment_id, "version": 1, "author_id": author.id, "body": text, "created_at": at,
                     "edited_at": None,
                     "request_id": rng.choice(requests) if target < 0.5 and requests else None,
                     "activity_id": rng.choice(activities).id if target >= 0.5 and (target < 0.8 or not reports)
                     or (target < 0.5 and not requests) else None,
                     "report_id": rng.choice(reports) if target >= 0.8 and reports else None})
        if named and named.id != author.id:
            mentions.append({"id": ids["mentions"] + len(mentions), "comment_id": comment_id, "user_id": named.id,
                             "created_at": at})
    generator.write(Comment.__table__, rows)
    generator.write(Mention.__table__, mentions)


def _attachments(generator, activities, officers) -> None:
    rng, today = generator.rng, _today()
    ids = _ids(generator, Attachment.__table__, AttachmentVersion.__table__)
    rows, versions = [], []
    for n in range(max(1, len(activities) // 20)):
        attachment_id = ids["attachments"] + n
        digest = hashlib.sha256(f"{generator.seed}-{n}".encode()).hexdigest()
        at = generator_at(today - timedelta(days=rng.randint(0, 3000)), rng, today)
        rows.append({"id": attachment_id, "activity_id": rng.choice(activities).id, "request_id": None,
                     "report_id": None, "finding_id": None, "contribution_id": None,
                     "title": f"Mission report {n + 1}", "current_number": 1, "created_at": at,
                     "created_by_id": rng.choice(officers)})
        versions.append({"id": ids["attachment_versions"] + n, "attachment_id": attachment_id, "number": 1,
                         "file_name": f"mission-report-{n + 1}.pdf", "content_type": "application/pdf",
                         "size": rng.randint(20_000, 2_000_000), "sha256": digest, "storage_key": key_for(digest),
                         "uploaded_at": at, "uploaded_by_id": rows[-1]["created_by_id"]})
    generator.write(Attachment.__table__, rows)
    generator.write(AttachmentVersion.__table__, versions)
