"""deploy/uninstall.sh on the session's VPS: last of the deploy tests, since the
services' files go."""

import pytest

from tests.deploy.vps import ENVIRONMENT, SOURCE

pytestmark = pytest.mark.asterisk


def test_uninstall_leaves_the_data(machine, installed):
    # Last in the module: the services' files go.
    machine.run([*ENVIRONMENT, f"{SOURCE}/deploy/uninstall.sh"], capture_output=True)
    assert not (machine.view / "etc/systemd/system/hotline-web.service").exists()
    assert not (machine.view / "opt/hotline/app").exists()
    assert (machine.view / "var/lib/hotline").is_dir()
    assert (machine.view / "etc/hotline/hotline.env").is_file()
    databases = machine.run(
        ["runuser", "-u", "postgres", "--", "psql", "-Atc", "select datname from pg_database"],
        capture_output=True,
        text=True,
    )
    assert "hotline" in databases.stdout.split()
    # Not an empty shell: the administrator the install made is still in it.
    admins = machine.run(
        [
            *("runuser", "-u", "postgres", "--", "psql", "-d", "hotline", "-Atc"),
            "select username from auth_user where username = 'admin'",
        ],
        capture_output=True,
        text=True,
    )
    assert admins.stdout.split() == ["admin"]
