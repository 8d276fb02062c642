"""Password rules at the level of NIST SP 800-63B: long, not known to be
breached or common, not made of the person's own name or of this service's;
no composition rules (they make passwords harder to remember, not to guess)."""

import itertools
import re

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words an attacker tries first against this particular service.
SERVICE_WORDS = ("hotline", "0800", "garyacha", "гаряча", "лінія", "linia", "password", "пароль")


def _folded(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


class NotTheUsername:
    """The password neither is nor contains the login name (in any case, with
    or without separators), nor the person's first or last name."""

    def validate(self, password: str, user: User | None = None) -> None:
        if user is None:
            return
        folded = _folded(password)
        for value in (user.get_username(), user.first_name, user.last_name):
            name = _folded(value or "")
            if len(name) >= 3 and (name in folded or folded in name):
                raise ValidationError(
                    _("The password must not contain your login or your name."),
                    code="password_contains_username",
                )

    def get_help_text(self) -> str:
        return _("It must not contain your login or your name.")


class NotAboutThisService:
    def validate(self, password: str, user: User | None = None) -> None:
        folded = _folded(password)
        if any(_folded(word) in folded for word in SERVICE_WORDS):
            raise ValidationError(
                _("The password must not contain the name of the line or the word “password”."),
                code="password_service_word",
            )

    def get_help_text(self) -> str:
        return _("It must not contain the name of the line or the word “password”.")


class NotRepetitive:
    """`aaaaaaaaaaaa`, `123456789012`, `abcdabcdabcd`: long but guessed at once."""

    def validate(self, password: str, user: User | None = None) -> None:
        if len(set(password)) <= 3 or _sequential(password):
            raise ValidationError(
                _("The password is a repetition or a sequence; choose one harder to guess."),
                code="password_repetitive",
            )

    def get_help_text(self) -> str:
        return _("It must not be a repetition or a sequence such as 123456789012.")


def _sequential(password: str) -> bool:
    return len({_step(a, b) for a, b in itertools.pairwise(password)}) == 1 and _step(
        password[0], password[1]
    ) in {1, -1, 0}


def _step(a: str, b: str) -> int:
    """Digits go round, as on a keyboard's top row: 8, 9, 0, 1 is a sequence."""
    if a.isdigit() and b.isdigit():
        return (int(b) - int(a) + 1) % 10 - 1
    return ord(b) - ord(a)


class NotACommonPasswordPadded:
    """Django's list of passwords from breaches holds few of 12 characters or
    more; people reach the length by padding a listed one (`iloveyou1234`,
    `!!dragon2024!!`). Strip what pads it and look again."""

    def __init__(self) -> None:
        self.common = CommonPasswordValidator()

    def validate(self, password: str, user: User | None = None) -> None:
        core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.casefold())
        if len(core) >= 4 and core in self.common.passwords:
            raise ValidationError(
                _("The password is a well-known one with digits or signs added; choose another."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("It must not be a well-known password with digits or signs added.")
