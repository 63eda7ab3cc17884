"""E-mail: the outbox every message goes through, its delivery over SMTP with retries, and the rendering of a
message in plain text and HTML with absolute links (app.public_address).

Nothing is sent inside a request's transaction: `queue` writes the message and, once the transaction commits, the
message's id goes to `DISPATCH` — `deliver` in this process until `jobs.py` (imported by the factory) makes it
`enqueue_delivery`: the job "mail.deliver" on the queue (a single assignment, in one place). Imports core and jobs."""
