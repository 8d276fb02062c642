"""The connector's own database connection: opened once, checked, reopened when lost.

The web process closes its connection after every request (`CONN_MAX_AGE`,
0 by default), which suits requests. The connector applies its events in
batches on one dedicated thread, many batches a second under load: a new
PostgreSQL session per batch costs more than the batch itself (about 2,000
sessions in 75 s at 400 calls). So that thread keeps its connection for
good, and Django's health check (`SELECT 1` before the first query after
each batch) notices a connection the server has dropped (restart,
`pg_terminate_backend`, a network cut); it is then reopened before the
batch, and a batch that failed half-way is retried whole by the connector.
"""

from django.db import connection

# Shows in pg_stat_activity, so an operator can tell the connector's session apart.
APPLICATION_NAME = "hotline-connector"


def keep_connection() -> None:
    """Make this thread's connection persistent and health-checked.

    Only this thread's wrapper gets the copy: the settings dict is shared by
    every thread's connection, and the web requests keep their own policy.
    """
    settings = {**connection.settings_dict, "CONN_MAX_AGE": None, "CONN_HEALTH_CHECKS": True}
    if connection.vendor == "postgresql":
        settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "application_name": APPLICATION_NAME}
    connection.settings_dict = settings


def close_connection() -> None:
    # Resolved here, on the calling thread: `connection` is per thread.
    connection.close()
