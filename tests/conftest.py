"""Personas reused by every test: two consultants who must not see each
other's work, a supervisor and an administrator."""

import pytest
from django.contrib.auth.models import Group, User

from hotline_crm.roles import Role

PASSWORD = "correct-horse-battery"


def make_user(username: str, role: Role, **fields) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def alice(db) -> User:
    """A consultant."""
    return make_user("alice", Role.CONSULTANT, first_name="Аліна")


@pytest.fixture
def bob(db) -> User:
    """A second consultant, who must not see Alice's forms."""
    return make_user("bob", Role.CONSULTANT, first_name="Богдан")


@pytest.fixture
def carol(db) -> User:
    """A supervisor."""
    return make_user("carol", Role.SUPERVISOR, first_name="Катерина")


@pytest.fixture
def dave(db) -> User:
    """The NGO's administrator."""
    return make_user("dave", Role.ADMINISTRATOR, first_name="Давид")
