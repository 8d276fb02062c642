import signal
import threading

from django.core.management.base import BaseCommand
from django.db import connections

from hotline_admin.daily import run_due_jobs


class Command(BaseCommand):
    help = (
        "Run the nightly retention and backup jobs if they are due (at most once a day); "
        "with --loop, keep checking every minute until stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks")

    def handle(self, *args, **options) -> None:
        if not options["loop"]:
            self._run_once()
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        while not stop.is_set():
            self._run_once()
            # A long-lived process: do not keep a connection the database may drop.
            connections.close_all()
            stop.wait(options["interval"])

    def _run_once(self) -> None:
        for name in run_due_jobs():
            self.stdout.write(f"ran {name}")
        self.stdout.flush()
