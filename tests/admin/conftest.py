import socket

import pytest


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """Every test gets its own recordings, voicemail, prompts and backup directories."""
    roots = {}
    for name in ("RECORDINGS_DIR", "VOICEMAIL_DIR", "PROMPTS_DIR", "BACKUP_DIR"):
        roots[name] = tmp_path / name.lower()
        roots[name].mkdir()
        setattr(settings, name, roots[name])
    return roots


@pytest.fixture(autouse=True)
def no_asterisk(settings, tmp_path):
    """No Asterisk in unit tests: configuration goes to a scratch directory, AMI finds nobody.

    The AMI port is bound but never listened on, so every attempt is refused at once.
    """
    settings.HOTLINE_ASTERISK_DIR = tmp_path / "asterisk"
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        settings.HOTLINE_AMI_HOST = "127.0.0.1"
        settings.HOTLINE_AMI_PORT = closed_port.getsockname()[1]
        yield
