"""`manage.py run_connector`: the AMI bridge as its own process (production)."""

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from hotline_asterisk_connector.ami.client import AmiConfig
from hotline_asterisk_connector.connector import Connector


class Command(BaseCommand):
    help = "Turn Asterisk's AMI events into the call journal, screen pops and consultant state."

    def handle(self, *args, **options) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        connector = Connector(
            AmiConfig.from_settings(), sweep_seconds=settings.HOTLINE_RECORDS_SWEEP_SECONDS
        )
        self.stdout.write("Connector started")
        await connector.run(stop)
        self.stdout.write("Connector stopped")
