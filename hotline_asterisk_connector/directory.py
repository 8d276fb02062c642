"""Which consultant a queue member or a device channel belongs to.

Asterisk names consultants by their devices (`PJSIP/web1001-0000002a`,
`Local/1001@…`); the database knows them by ConsultantLine.extension. The
map is cached and re-read when an unknown extension turns up (at most once every few
seconds) and once a minute anyway, so a consultant added a minute ago is
found without a query per event.
"""

import re
import time

from hotline_asterisk_connector.models import ConsultantLine, Device

_EXTENSION = re.compile(
    r"^PJSIP/(?:web|sip)(\d+)(?:-|$)|^Local/(\d+)@hotline-(?:consultant|mobile)(?:-|/|$)"
    r"|^hint:(\d+)@hotline-hints$"
)
_DEVICES = (
    (re.compile(r"^PJSIP/web\d+(?:-|$)"), Device.BROWSER),
    (re.compile(r"^PJSIP/sip\d+(?:-|$)"), Device.APP),
    (re.compile(r"^Local/\d+@hotline-mobile(?:-|/|$)"), Device.MOBILE),
)
_RELOAD_AFTER_SECONDS = 5.0
_MAX_AGE_SECONDS = 60.0


def extension_of(name: str) -> str | None:
    match = _EXTENSION.match(name or "")
    if match is None:
        return None
    return next(group for group in match.groups() if group)


def device_of(channel: str) -> Device | None:
    """Which of a consultant's phones a channel rings: the browser, the app or the mobile."""
    for pattern, device in _DEVICES:
        if pattern.match(channel or ""):
            return device
    return None


class ConsultantDirectory:
    def __init__(self) -> None:
        self._users: dict[str, int] = {}
        self._loaded_at = float("-inf")

    def user_for(self, *names: str) -> int | None:
        """The consultant behind the first of `names` that names a consultant device."""
        for name in names:
            extension = extension_of(name)
            if extension is not None and (user_id := self.user_for_extension(extension)):
                return user_id
        return None

    def user_for_extension(self, extension: str) -> int | None:
        if time.monotonic() - self._loaded_at > _MAX_AGE_SECONDS:
            self.reload()  # An extension may have moved to another consultant.
        if extension not in self._users and self._may_reload():
            self.reload()
        return self._users.get(extension)

    def reload(self) -> None:
        self._users = dict(ConsultantLine.objects.values_list("extension", "user_id"))
        self._loaded_at = time.monotonic()

    def _may_reload(self) -> bool:
        return time.monotonic() - self._loaded_at > _RELOAD_AFTER_SECONDS
