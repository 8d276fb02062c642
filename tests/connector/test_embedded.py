"""Which processes start the embedded connector: only the one that serves HTTP."""

import sys

import pytest

from hotline_asterisk_connector.embedded import _serves_http


@pytest.mark.parametrize(
    ("argv", "run_main", "serves"),
    [
        (["/srv/.venv/bin/daphne", "-b", "127.0.0.1", "hotline.asgi:application"], None, True),
        (["/srv/.venv/lib/python3.12/site-packages/daphne/__main__.py", "-p", "8000"], None, True),
        (["manage.py", "runserver"], None, False),  # the autoreloader's watcher
        (["manage.py", "runserver"], "true", True),
        (["manage.py", "runserver", "--noreload"], None, True),
        (["manage.py", "run_connector"], None, False),
        (["manage.py", "migrate"], None, False),
        (["/srv/.venv/bin/pytest"], None, False),
    ],
)
def test_only_the_serving_process_runs_it(monkeypatch, argv, run_main, serves):
    monkeypatch.setattr(sys, "argv", argv)
    if run_main is None:
        monkeypatch.delenv("RUN_MAIN", raising=False)
    else:
        monkeypatch.setenv("RUN_MAIN", run_main)
    assert _serves_http() is serves
