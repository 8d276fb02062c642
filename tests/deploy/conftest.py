"""One VPS for the deploy tests: installed once per session (it takes minutes),
its services started once, used by test_install, test_internet, test_upgrade and, last,
test_uninstall (pytest_collection_modifyitems below keeps it last)."""

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from tests.deploy import vps
from tests.support import debian_root


@pytest.fixture(scope="session")
def machine(tmp_path_factory) -> Iterator[debian_root.Machine]:
    machine = vps.make_machine(tmp_path_factory.mktemp("vps"))
    try:
        yield machine
    finally:
        vps.keep_logs(machine)
        machine.close()


@pytest.fixture(scope="session")
def installed(machine) -> SimpleNamespace:
    first = vps.install(
        machine, "--domain", vps.DOMAIN, "--tls-internal", "--carriers", vps.CARRIER
    )
    print(f"\ninstall on a fresh Debian 12 root: {first.seconds:.0f} s")
    return first


@pytest.fixture(scope="session")
def services(machine, installed) -> SimpleNamespace:
    return vps.start_services(machine)


def pytest_collection_modifyitems(items) -> None:
    """test_uninstall last, whatever the modules' names: the services' files go."""
    items.sort(key=lambda item: item.path.name == "test_uninstall.py")
