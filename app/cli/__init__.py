"""`flask seed | users | treaties`: each group in its own module; docstrings are the --help."""
from .seed import seed

COMMAND_GROUPS = [seed]
