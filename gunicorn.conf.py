"""Gunicorn's settings for the web process (the Dockerfile and docker-compose.yml run
`gunicorn --config gunicorn.conf.py pep_portal.wsgi`).

Access lines carry the path without its query string (search boxes put names and UPNs there:
`/children/?search=Maya+Jones`), the status, size, time and the request id; no referrer, no
user agent. The logger class removes query strings from every atom and from the error log too,
so a changed format cannot bring them back."""

from pep_portal.observability import gunicorn_logger_class

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
logger_class = gunicorn_logger_class()
