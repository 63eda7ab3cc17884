"""Notifications: what a person is told (the bell, the list, the API), their preferences per kind, e-mails at once
and digests, and the overdue reminders. Imports core, jobs and mail (`jobs.py`: the digests' and reminders'
schedules, a job's end told to its owner); every domain above raises its events through `events.notify`, one small
call where the event happens, in the same transaction (STYLE 21)."""
