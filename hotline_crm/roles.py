"""The three roles of the hotline and the checks every view makes.

Roles are Django groups created by a data migration. Supervisors see
everything; administrators also change settings; consultants see their own
work only. Querysets are narrowed here, so a view cannot forget to.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    CONSULTANT = "consultant"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])


_ROLE_LABELS = {
    Role.CONSULTANT: _("consultant"),
    Role.SUPERVISOR: _("supervisor"),
    Role.ADMINISTRATOR: _("administrator"),
}


def role_label(group_name: str) -> str:
    """A role's name in the reader's language; a group that is no role keeps its own."""
    try:
        return Role(group_name).label
    except ValueError:
        return group_name


User = AbstractBaseUser | AnonymousUser


def has_role(user: User, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name=role.value).exists()


def is_consultant(user: User) -> bool:
    return has_role(user, Role.CONSULTANT)


def is_administrator(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMINISTRATOR))


def is_supervisor(user: User) -> bool:
    """Supervisors and administrators both see everything."""
    return is_administrator(user) or has_role(user, Role.SUPERVISOR)


def is_staff_member(user: User) -> bool:
    """Anyone who works the line in any role."""
    return is_supervisor(user) or is_consultant(user)


def require(check, user: User) -> None:
    if not check(user):
        raise PermissionDenied


def role_context(request: HttpRequest) -> dict[str, bool]:
    # A request refused before the authentication middleware (a bad Host
    # header) still renders its error page.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "user_is_consultant": is_consultant(user),
        "user_is_supervisor": is_supervisor(user),
        "user_is_administrator": is_administrator(user),
    }


class AdministratorPermissions:
    """Authentication backend that grants administrators every model permission.

    The admin site itself is open to administrators only (see admin_site), so
    this makes every settings model any app registers there editable by them
    without each app keeping a permission list in step.
    """

    def authenticate(self, request: HttpRequest | None, **credentials) -> None:
        return None

    def has_perm(self, user_obj: User, perm: str, obj=None) -> bool:
        return user_obj.is_active and is_administrator(user_obj)

    def has_module_perms(self, user_obj: User, app_label: str) -> bool:
        return user_obj.is_active and is_administrator(user_obj)
