"""`flask seed | users | treaties | requests | activities | audit | backup | jobs | outcomes`: each group in its own
module; docstrings are the --help."""
from app.cli.audit import audit
from app.cli.backup import backup
from app.cli.jobs import jobs
from app.cli.outcomes import outcomes
from app.cli.seed import seed
from app.cli.sheets import activities_group, requests_group
from app.cli.treaties import treaties
from app.cli.users import users

COMMAND_GROUPS = [seed, treaties, users, requests_group, activities_group, audit, backup, jobs, outcomes]
from app.cli.notifications import mail, notifications  # noqa: E402,I001  (issue 28)
COMMAND_GROUPS += [notifications, mail]
