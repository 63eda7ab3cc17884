"""Notifications: what a person is told (the bell, the list, the API), their preferences per kind, e-mails at once
and digests, and the overdue reminders. Imports core and mail; every domain above raises its events through
`events.notify`, one small call where the event happens, in the same transaction (STYLE 21)."""
