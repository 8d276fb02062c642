"""The role matrix reaches the settings pages: its own storage, and no Asterisk;
the pages' tests share its world of objects (tests/support/every_page.py)."""

from tests.admin.conftest import no_asterisk, storage  # noqa: F401  (autouse fixtures)
from tests.support.every_page import long_world, world  # noqa: F401  (fixtures)
