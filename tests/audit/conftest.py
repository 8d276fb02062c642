"""The audit tests reach the settings pages: each gets its own storage and no Asterisk."""

from tests.admin.conftest import no_asterisk, storage  # noqa: F401  (autouse fixtures)
