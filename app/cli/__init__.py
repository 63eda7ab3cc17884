"""`flask seed | users | treaties`: each group in its own module; docstrings are the --help."""
from .seed import seed
from .treaties import treaties
from .users import users

COMMAND_GROUPS = [seed, treaties, users]
