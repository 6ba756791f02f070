"""The settings module read under production-like environments, in a fresh process each."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

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
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert "pep_portal.middleware.SessionIdleTimeoutMiddleware" in settings.MIDDLEWARE


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


def test_notify_can_replace_smtp_and_needs_a_template_for_every_kind():
    from pep_portal.emails import KINDS

    ids = ",".join(f"{kind}=00000000-0000-0000-0000-{n:012d}" for n, kind in enumerate(KINDS))
    notify = {**PRODUCTION, "EMAIL_HOST": "", "NOTIFY_API_KEY": "key-" + "0" * 72}
    result = manage("check", env={**notify, "NOTIFY_TEMPLATE_IDS": ids})
    assert result.returncode == 0, result.stderr
    partial = ids.split(",", 1)[1]  # the first kind has no template
    result = manage("check", env={**notify, "NOTIFY_TEMPLATE_IDS": partial})
    assert result.returncode != 0
    assert f"missing: {next(iter(KINDS))}" in result.stderr


def test_the_env_example_does_not_loop_behind_a_tls_proxy():
    """Redirecting to HTTPS behind a proxy that terminates TLS needs the proxy's header to be
    trusted, or every request looks like plain HTTP and is redirected again."""
    import re

    values = dict(re.findall(r"^([A-Z_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    if values["SECURE_SSL_REDIRECT"] == "true":
        assert values["SECURE_PROXY_SSL"] == "true"
        assert int(values["TRUSTED_PROXY_COUNT"]) >= 1


def test_behind_the_proxy_an_https_request_is_not_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/account/sign-in/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    plain = client.get("/account/sign-in/")
    assert plain.status_code == 301 and plain.url.startswith("https://")


def test_a_killed_workers_task_comes_back_within_minutes(settings):
    from pep_portal.celery import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] <= 15 * 60
    # A retry waiting for its countdown must not look lost.
    from peps.tasks import send_digest

    assert send_digest.retry_backoff_max < app.conf.broker_transport_options["visibility_timeout"]


def test_the_web_process_runs_without_jit_and_on_one_core_and_the_jobs_as_the_server_says():
    env = {**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    unset = {"DATABASE_JIT": "", "DATABASE_PARALLEL_WORKERS_PER_QUERY": ""}
    jobs = manage("shell", "-c", show, env={**env, **unset})
    web = manage(
        "shell", "-c", show,
        env={**env, "DATABASE_JIT": "off", "DATABASE_PARALLEL_WORKERS_PER_QUERY": "0"},
    )  # fmt: skip
    assert jobs.returncode == 0 and web.returncode == 0, jobs.stderr + web.stderr
    assert "jit" not in jobs.stdout and "max_parallel" not in jobs.stdout
    assert "-c jit=off -c max_parallel_workers_per_gather=0" in web.stdout
    # gunicorn.conf.py sets both for the web process, even where the environment left them
    # empty (as .env.example does).
    script = (
        "import os, runpy; os.environ['DATABASE_JIT'] = ''; runpy.run_path('gunicorn.conf.py'); "
        "print(os.environ['DATABASE_JIT'], os.environ['DATABASE_PARALLEL_WORKERS_PER_QUERY'])"
    )
    config = subprocess.run(  # noqa: S603 - our own config file
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert config.stdout.split() == ["off", "0"], config.stderr


def test_postgresql_is_given_the_web_processs_settings():
    if connection.vendor != "postgresql":
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})
        return
    show = (
        "from django.db import connection; cursor = connection.cursor(); "
        "cursor.execute('SHOW jit'); print(cursor.fetchone()[0]); "
        "cursor.execute('SHOW max_parallel_workers_per_gather'); print(cursor.fetchone()[0])"
    )
    result = manage(
        "shell", "-c", show,
        env={"DEBUG": "true", "DATABASE_URL": os.environ["DATABASE_URL"], "DATABASE_JIT": "off",
             "DATABASE_PARALLEL_WORKERS_PER_QUERY": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["off", "0"]
