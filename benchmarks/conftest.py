"""Benchmarks that run on the test suite's own fixtures: the real Asterisk and sipp."""

from tests.integration.conftest import (  # noqa: F401 - fixtures and a hook, used by name
    asterisk,
    carrier_ports,
    pbx,
    pytest_runtest_makereport,
    short_prompts,
)
