import pytest
from django.contrib.auth.models import Group

from hotline_crm.roles import Role


@pytest.fixture
def role_groups(transactional_db) -> None:
    """Tests on a transactional database start after another one's flush, which
    empties the role groups the data migration made: make them again."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
