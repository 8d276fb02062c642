import asyncio
import signal

from django.core.management.base import BaseCommand

from hotline_admin.scheduler import CHECK_SECONDS, run_forever, run_once


class Command(BaseCommand):
    help = (
        "Run the nightly retention and backup jobs if they are due (at most once a day); "
        "with --loop, keep checking every minute until stopped (SIGTERM)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=CHECK_SECONDS)

    def handle(self, *args, **options) -> None:
        if options["loop"]:
            asyncio.run(self._loop(options["interval"]))
            return
        for name in run_once():
            self.stdout.write(f"ran {name}")

    async def _loop(self, interval: float) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run_forever(stop, interval)
