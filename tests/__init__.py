"""The suite (CONTRACT.md: `make test`); with pytest-xdist, each worker gets its own PostgreSQL database first."""
from tests.worker_database import use_own_postgresql_database

use_own_postgresql_database()
