"""The first administrator of a new installation (deploy/install.sh runs it).

Prints the new password once, or nothing when an administrator already exists,
so an upgrade never changes anyone's password.
"""

import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from hotline_crm.roles import Role


class Command(BaseCommand):
    help = "Create the first administrator with a random password, unless one exists."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")

    @transaction.atomic
    def handle(self, *args, username: str, **options) -> None:
        group = Group.objects.get(name=Role.ADMINISTRATOR.value)
        if group.user_set.exists() or User.objects.filter(username=username).exists():
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password)
        user.groups.add(group)
        self.stdout.write(password)
