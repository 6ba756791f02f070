"""Gunicorn's settings for the web process (the Dockerfile and docker-compose.yml run
`gunicorn --config gunicorn.conf.py pep_portal.wsgi`).

Access lines carry the path without its query string (search boxes put names and UPNs there:
`/children/?search=Maya+Jones`), the status, size, time and the request id; no referrer, no
user agent. The logger class removes query strings from every atom and from the error log too,
so a changed format cannot bring them back."""

import gc
import os

from pep_portal.observability import gunicorn_logger_class

# Web pages' queries without JIT compiling and on one core each (see DATABASES in
# pep_portal/settings.py); the worker and beat keep the server's settings for their long scans.
for _name, _value in (("DATABASE_JIT", "off"), ("DATABASE_PARALLEL_WORKERS_PER_QUERY", "0")):
    if not os.environ.get(_name):  # unset or left empty
        os.environ[_name] = _value

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
logger_class = gunicorn_logger_class()


def post_worker_init(worker):
    """Move everything loaded so far (Django, the apps, their modules: about 200,000 objects)
    out of the garbage collector's sight. Those live as long as the worker, yet every full
    collection walked them all: a 40-80 ms pause in one request in twenty on the busiest pages.
    Objects made by requests are collected as before."""
    gc.freeze()
