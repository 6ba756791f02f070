"""The settings module read under production-like environments, in a fresh process each."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "a1b2c3d4e5f6g7h8i9j0" * 3,
    "ALLOWED_HOSTS": "pep.example.gov.uk",
    "EMAIL_HOST": "smtp.example.gov.uk",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    # Start from this environment less what production would not have (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which the deploy check rightly rejects).
    dropped = {*PRODUCTION, "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_warnings_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", env={**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_refuses_to_start_without_a_mail_server():
    result = manage("check", env={**PRODUCTION, "EMAIL_HOST": ""})
    assert result.returncode != 0
    assert "EMAIL_HOST is not set" in result.stderr


def test_a_mistyped_boolean_is_named():
    result = manage("check", env={**PRODUCTION, "DEBUG": "yes please"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_settings_for_england(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_every_response_carries_a_strict_content_security_policy(client, db):
    policy = client.get("/account/sign-in/").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_env_example_documents_every_variable_the_settings_read():
    import re

    read = set(
        re.findall(
            r'env(?:_bool|_int|_list)?\("([A-Z_]+)"', (ROOT / "pep_portal/settings.py").read_text()
        )
    )
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "found no variables: the pattern above is out of date"
    assert read <= documented, f"undocumented: {sorted(read - documented)}"
