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
