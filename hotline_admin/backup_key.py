"""The backup key: archives are encrypted with age (X25519) to a public key.

The server keeps only the public half (`age1…`), so the nightly backup needs
no secret and a stolen server or backup disk opens no archive. The secret
half (`AGE-SECRET-KEY-1…`) is shown to the administrator once, when it is
made, and asked for on restore. See docs/decisions/0020-encrypted-backups.md.
"""

from pathlib import Path

import pyrage
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pyrage import x25519

# The first line of every age file (age-encryption.org/v1).
AGE_HEADER = b"age-encryption.org/v1\n"


class WrongKey(Exception):
    """The key given on restore does not open the archive."""


def new_key() -> tuple[str, str]:
    """A fresh key pair: (secret for the administrator, public key for the server)."""
    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def check_public_key(text: str) -> str:
    text = text.strip()
    try:
        x25519.Recipient.from_str(text)
    except (pyrage.RecipientError, ValueError) as error:
        raise ValidationError(
            _("This is not an age public key: it starts with age1 and has 62 characters.")
        ) from error
    return text


def secret_key(text: str) -> x25519.Identity:
    """The administrator's secret key as typed or pasted (spaces and line breaks ignored)."""
    compact = "".join(text.split()).upper()
    try:
        return x25519.Identity.from_str(compact)
    except (pyrage.IdentityError, ValueError) as error:
        raise WrongKey(str(error)) from error


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(len(AGE_HEADER)) == AGE_HEADER


def encrypt(source: Path, target: Path, public_key: str) -> None:
    """Encrypt `source` into `target` (which must already exist, with its permissions)."""
    recipient = x25519.Recipient.from_str(public_key)
    with source.open("rb") as plain, target.open("r+b") as sealed:
        pyrage.encrypt_io(plain, sealed, [recipient])


def decrypt(source: Path, target: Path, secret: str) -> None:
    identity = secret_key(secret)
    try:
        with source.open("rb") as sealed, target.open("wb") as plain:
            pyrage.decrypt_io(sealed, plain, [identity])
    except pyrage.DecryptError as error:
        target.unlink(missing_ok=True)
        raise WrongKey(str(error)) from error
    except OSError as error:
        target.unlink(missing_ok=True)
        # pyrage reports a damaged (tampered, truncated) payload as an OSError
        # with no errno; a real disk error keeps its errno and its own message.
        if error.errno is None:
            raise WrongKey(str(error)) from error
        raise
