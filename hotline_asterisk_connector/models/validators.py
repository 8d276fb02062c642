"""Strict shapes for every value that ends up in Asterisk's configuration.

The same checks serve the models (forms and restore call `full_clean`) and
the renderer (pbx/config.py), which checks again: a row can reach the
database without a form (a restore, a shell, an old version), and one line
break or `;` in a configuration file changes what Asterisk does.
"""

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A name that becomes part of PJSIP object names and dialplan variables.
config_name = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z",
    _("Use only Latin letters, digits, “-” and “_” (up to 40)."),
)
# A SIP login: the characters of a SIP URI's user part that need no escaping.
sip_login = RegexValidator(
    r"^[A-Za-z0-9._~+-]{1,100}\Z",
    _("Use only Latin letters, digits and . _ ~ + - in a SIP login."),
)
# A host name (letters, digits, dots and hyphens) or an IPv4 address.
_HOST_NAME = re.compile(
    r"^(?=.{1,253}\Z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z"
)
extension_digits = RegexValidator(r"^[0-9]{2,6}\Z", _("An extension is 2 to 6 digits."))
# Characters that would end a configuration line, or that Asterisk's parser
# treats specially, are refused in secrets; `;` and `\` are escaped instead.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_host(value: str) -> bool:
    if _HOST_NAME.match(value):
        return True
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def validate_host(value: str) -> None:
    if not is_host(value):
        raise ValidationError(
            _("“%(value)s” is not a host name or an IP address."), params={"value": value}
        )


def address_list(value: str) -> list[str]:
    """The comma-separated addresses or networks of `value`; raises ValueError on any other."""
    if _CONTROL.search(value):
        raise ValueError("a control character")
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        ipaddress.ip_network(item, strict=False)
    return items


def validate_address_list(value: str) -> None:
    try:
        address_list(value)
    except ValueError as error:
        raise ValidationError(
            _("List IP addresses or networks, comma-separated (e.g. 192.0.2.10, 198.51.100.0/24).")
        ) from error


def validate_secret(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError(_("A password cannot hold line breaks or control characters."))


def validate_phone_text(value: str) -> None:
    """A phone number as people write it: digits, spaces, + ( ) - only."""
    if value and not re.fullmatch(r"[0-9+() \-]{3,40}", value):
        raise ValidationError(_("“%(value)s” is not a phone number."), params={"value": value})
