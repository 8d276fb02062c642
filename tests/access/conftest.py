"""The role matrix reaches the settings pages: its own storage, and no Asterisk."""

from tests.admin.conftest import no_asterisk, storage  # noqa: F401  (autouse fixtures)
