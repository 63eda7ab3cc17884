"""E-mail: the outbox every message goes through, its delivery over SMTP with retries, and the rendering of a
message in plain text and HTML with absolute links (app.public_address). Imports core only.

Nothing is sent inside a request's transaction: `queue` writes the message and, once the transaction commits, the
message's id goes to `DISPATCH` — by default `deliver` in this process; the job queue replaces it with
`jobs.enqueue("mail.deliver", id)` (a single assignment, in one place)."""
