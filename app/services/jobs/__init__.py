"""Work that runs outside the request (issue 28): the job queue every domain hands its long work to.

A domain declares a job function in its own `jobs.py` with `@registry.job("kind")` (a plain function taking ids and
plain values), starts it with `broker.enqueue("kind", *args, owner=user, label=...)` and reports progress from
inside it with `progress.report_progress(done, total)`. With `JOB_QUEUE_URL` set the job goes to Redis and an RQ
worker (`flask jobs worker`) runs it; without, it runs at once in the process, through the same `runner.perform`.
The `jobs` table keeps every job (status, progress, result, why it failed); `events.job_finished` is the hook the
notifications call. `schedules` is the registry of functions run on a schedule (RQ's cron scheduler, `flask jobs
cron`); `reaper` fails the jobs whose worker died.

Imports only core (and models/); every domain above may import it.
"""
