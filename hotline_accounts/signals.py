"""Sessions end when what they were granted on changes: the password, the
roles, the account being switched off."""

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from hotline_accounts import sessions

_SIGN_IN_FIELDS = ("password", "is_active", "is_superuser")


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs) -> None:
    sessions.remember(request, user)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs) -> None:
    sessions.forget(request.session.session_key)


@receiver(pre_save, sender=User)
def note_sign_in_change(sender, instance: User, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields and not set(update_fields) & set(_SIGN_IN_FIELDS)):
        return
    before = User.objects.filter(pk=instance.pk).values(*_SIGN_IN_FIELDS).first()
    instance._sign_in_changed = before is not None and any(
        before[field] != getattr(instance, field) for field in _SIGN_IN_FIELDS
    )


@receiver(post_save, sender=User)
def end_sessions_after_sign_in_change(sender, instance: User, **kwargs) -> None:
    if getattr(instance, "_sign_in_changed", False):
        instance._sign_in_changed = False
        sessions.sign_out_everywhere(instance)


@receiver(m2m_changed, sender=User.groups.through)
def end_sessions_after_role_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if reverse:
        # A group's members were changed: instance is the group.
        users = (
            User.objects.filter(pk__in=pk_set or ())
            if action != "pre_clear"
            else instance.user_set.all()
        )
    else:
        users = [instance]
    for user in users:
        sessions.sign_out_everywhere(user)
