"""Passwords at NIST SP 800-63B level."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    "password",
    [
        "short-one",  # 9 characters
        "iloveyou1234",  # in the list from breaches
        "alice-and-the-sea",  # the login
        "Аліна-Коваленко-2024",  # the first name
        "my hotline secret",  # the service
        "aaaaaaaaaaaaaa",  # repetition
        "123456789012345",  # sequence
    ],
)
def test_weak_passwords_are_refused(alice, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=alice)


@pytest.mark.parametrize("password", ["orchard lantern meadow", "Сонце над Дніпром 7"])
def test_long_uncommon_passwords_pass_without_composition_rules(alice, password):
    validate_password(password, user=alice)


def test_refusals_are_in_ukrainian(alice):
    with pytest.raises(ValidationError) as refused:
        validate_password("alice-and-the-sea", user=alice)
    assert "не повинен містити ваш логін" in " ".join(refused.value.messages)
