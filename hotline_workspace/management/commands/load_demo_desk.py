"""Phone lines for the demo: the 0-800 number `make call` rings and the demo
consultants' browser phones. Safe to run twice; run after load_demo_data."""

import secrets

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from hotline_asterisk_connector.models import ConsultantLine, Operator, Trunk

# The carriers `make call` plays, on loopback addresses of their own.
TRUNKS = [
    {
        "name": "demo-0800",
        "operator": Operator.TOLL_FREE,
        "number": "0800500001",
        "host": "127.0.0.2",
        "match": "127.0.0.2",
        "allow_outbound": False,
    },
    {
        "name": "demo-kyivstar",
        "operator": Operator.KYIVSTAR,
        "number": "0671000000",
        "host": "127.0.0.3",
        "match": "127.0.0.3",
        "is_default_outbound": True,
    },
]
LINES = [("consultant", "1001"), ("consultant2", "1002")]


class Command(BaseCommand):
    help = "Add the demo's trunks and the demo consultants' phone lines (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if Trunk.objects.exists() and not Trunk.objects.filter(name__startswith="demo-").exists():
            self.stdout.write("Real trunks are configured: the demo adds none.")
        else:
            for fields in TRUNKS:
                Trunk.objects.get_or_create(name=fields["name"], defaults=fields)
        for username, extension in LINES:
            user = User.objects.filter(username=username).first()
            if user is None or ConsultantLine.objects.filter(user=user).exists():
                continue
            if ConsultantLine.objects.filter(extension=extension).exists():
                continue
            ConsultantLine.objects.create(
                user=user,
                extension=extension,
                webrtc_password=secrets.token_urlsafe(18),
                sip_password=secrets.token_urlsafe(18),
            )
        self.stdout.write("Demo phone lines are in place.")
