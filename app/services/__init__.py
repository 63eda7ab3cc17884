"""The services: every read a page, the API, an export or a feed makes, and every write, grouped by domain.

Writes build or change records, check the rules, write the audit entry and flush; they never commit (the view or
the command owns the transaction and commits once). Reads take the caller's scope explicitly.

The domains, each a package, from the bottom up; a package imports only those listed before it (and models/,
forms/, app.rules, app.formats and the plumbing modules of app/: scoping, listing, formatting, log, permissions),
never a view, the API or a template helper. tests/test_conventions.py holds the order.

    core        errors, audit trail, versions, child-collection sync, record cache, upload store
    jobs        the job queue (RQ): job records, enqueue, progress, the in-process runner, schedules, the reaper
    registry    States, organizations, experts, legislative issues and findings
    mail        the outbox: e-mails queued, delivered over SMTP with retries, rendered in text and HTML (issue 28)
    accounts    accounts, roles, API tokens, sign-in events, one's own password and the forgotten-password link
    saved_views a list's filters and sort kept under a name, one's own or shared with the team (issue 29)
    notifications  what people are told: the bell, preferences, e-mails at once, digests, overdue reminders
    attachments files on records: their storage, the checks of what a file is, their versions
    comments    staff comments on requests, activities and reports, and the colleagues they mention
    treaties    the treaty record, its imports, reports, reconciliation and forecast
    sheets      spreadsheet uploads and the cell readers the kinds share
    requests    requests for assistance, the queue, their spreadsheet kind
    activities  activities, their visits and experts, calendar feeds, their spreadsheet kind
    funding     contributions, allocations, donor portal and totals, statements, rates, IATI
    work        the work loop: activity reports and their review, follow-up actions, the records files and
                comments belong to
    outcomes    what assisted States did next: the summary and one State's timeline
    overview    read-only views across domains: dashboards, search, period report, home figures
    backups     a consistent snapshot of the database and the attachment files, its manifest, its restore
"""

#: The domain packages from the bottom up: each may import those before it, never one after it.
LAYERS = ("core", "jobs", "registry", "accounts", "attachments", "comments", "treaties", "sheets", "requests",
          "activities", "funding", "work", "outcomes", "overview", "backups")
# Issue 28 (people): mail below accounts (the reset link), notifications below every domain that raises events.
_ACCOUNTS = LAYERS.index("accounts")
LAYERS = LAYERS[:_ACCOUNTS] + ("mail", "accounts", "notifications") + LAYERS[_ACCOUNTS + 1:]
# Issue 29 (lists): saved views need only accounts and core.
LAYERS = LAYERS[:LAYERS.index("notifications")] + ("saved_views",) + LAYERS[LAYERS.index("notifications"):]
