"""Secrets: random and kept in a 0600 file for local runs, explicit in
production whatever DEBUG says; production settings pass Django's deploy check."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = (
    "SECRET_KEY",
    "HOTLINE_AMI_SECRET",
    "HOTLINE_AMI_STATUS_SECRET",
    "HOTLINE_AMI_APPLY_SECRET",
)
PRINT_SECRETS = (
    "import django; django.setup(); from django.conf import settings; "
    f"print(' '.join(getattr(settings, name) for name in {SECRETS!r}))"
)


def environment(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HOTLINE_", "SECRET_KEY", "DEBUG", "DJANGO_"))
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "hotline.settings",
        "HOTLINE_VAR_DIR": str(var_dir),
        **extra,
    }


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def local_secrets(var_dir: Path) -> list[str]:
    result = run(PRINT_SECRETS, environment(var_dir))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_a_local_run_makes_random_secrets_once_and_reuses_them(tmp_path):
    first = local_secrets(tmp_path / "one")
    assert len(first) == 4
    assert len(set(first)) == 4, "each secret is its own, none derived from another"
    assert all(len(secret) >= 50 for secret in first)
    stored = tmp_path / "one" / "local-secrets.env"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert local_secrets(tmp_path / "one") == first
    # Another checkout (another path) gets secrets of its own, not a function of the path.
    assert set(local_secrets(tmp_path / "two")).isdisjoint(first)


def test_the_environment_wins_over_the_file(tmp_path):
    secret_file = tmp_path / "ami-secret"
    secret_file.write_text("from-a-file\n")
    result = run(
        PRINT_SECRETS,
        environment(
            tmp_path, SECRET_KEY="from-the-environment", HOTLINE_AMI_SECRET_FILE=str(secret_file)
        ),
    )
    assert result.returncode == 0, result.stderr
    key, ami, *_rest = result.stdout.split()
    assert (key, ami) == ("from-the-environment", "from-a-file")


@pytest.mark.parametrize("debug", ["0", "1"])
@pytest.mark.parametrize("missing", SECRETS)
def test_production_refuses_to_start_without_each_secret(tmp_path, debug, missing):
    given = {name: f"explicit-{name}-" + "x" * 50 for name in SECRETS if name != missing}
    result = run(PRINT_SECRETS, environment(tmp_path, HOTLINE_PRODUCTION="1", DEBUG=debug, **given))
    assert result.returncode != 0
    assert f"{missing} (or {missing}_FILE) must be set in production" in result.stderr
    assert not (tmp_path / "local-secrets.env").exists()


def production(tmp_path: Path, **extra: str) -> dict[str, str]:
    files = {}
    for name in SECRETS:
        path = tmp_path / name.lower()
        path.write_text(os.urandom(40).hex())
        files[f"{name}_FILE"] = str(path)
    return environment(
        tmp_path, HOTLINE_PRODUCTION="1", ALLOWED_HOSTS="hotline.example.org", **files, **extra
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_alone_turns_on_https_hsts_and_secure_cookies(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER[0])"
    )
    result = run(code, production(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True", "True", "HTTP_X_FORWARDED_PROTO"]
    local = run(
        code.replace("s.SECURE_PROXY_SSL_HEADER[0]", "s.SECURE_PROXY_SSL_HEADER"),
        environment(tmp_path),
    )
    assert local.stdout.split() == ["False", "0", "False", "False", "None"]


def test_production_refuses_the_demos_sign_in_without_a_phone(tmp_path):
    result = run(PRINT_SECRETS, production(tmp_path, HOTLINE_DEMO_SKIP_SECOND_FACTOR="1"))
    assert result.returncode != 0
    assert "HOTLINE_DEMO_SKIP_SECOND_FACTOR is for the demo" in result.stderr
