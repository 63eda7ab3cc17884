"""`flask seed | users | treaties | requests | activities`: each group in its own module; docstrings are the --help."""
from .seed import seed
from .sheets import activities_group, requests_group
from .treaties import treaties
from .users import users

COMMAND_GROUPS = [seed, treaties, users, requests_group, activities_group]
