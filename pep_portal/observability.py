"""Request ids, JSON logs without personal data, and error reports without it.

Every request gets an id (the proxy's `X-Request-ID` if it sent a plausible one), returned in
the response and stamped on every log line written while it is handled, so a person's report
("it failed at 10:42, reference ...") finds the lines. Log lines keep an allow-list of fields:
nothing a library attaches (the request, its query string, form data) reaches the output.
Error reports (ADMINS email here, Sentry in `sentry.py`) carry the code path and the
exception's type, never a form's values, cookies, query strings, local variables or who was
signed in beyond their id.
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter
from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_PLAUSIBLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _PLAUSIBLE_ID.match(offered) else uuid.uuid4().hex
        # Left set until the request is finished: Django logs a 4xx or 5xx after the last
        # middleware has returned.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _forget_request_id(**kwargs):
    request_id_var.set("")


request_finished.connect(_forget_request_id, dispatch_uid="pep_portal_forget_request_id")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the request's id, or the Celery task's, when there is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        try:
            from celery import current_task

            task = current_task
            record.task_id = task.request.id if task and task.request.id else ""
        except Exception:  # logging must never fail
            record.task_id = ""
        return True


# A URL's query string: `?search=Maya+Jones`, `?upn=...`. Paths name ids, never people.
_QUERY_STRING = re.compile(r"(?<=\S)\?[^\s\"']+")


def without_query_strings(text: str) -> str:
    """Every query string in a line of text removed (a path's `?...` up to the next space)."""
    return _QUERY_STRING.sub("", text)


class QueryStringFilter(logging.Filter):
    """Remove query strings from every log line: search boxes and filters put names and UPNs
    in them (`/children/?search=Maya+Jones`). Runserver's access lines, Django's "Not Found"
    and gunicorn's "Error handling request" lines all pass through here."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # logging must never fail
            return True
        if "?" in message:
            record.msg, record.args = without_query_strings(message), ()
        return True


def _path_only(uri: str) -> str:
    return uri.split("?", 1)[0] if uri else uri


def gunicorn_logger_class():
    """Gunicorn's logger, with no query string in any access-log atom (`%(r)s`, `%(q)s`, the
    referrer and the environ) and none in its error log. Made on demand, so this module does
    not need gunicorn, which only production installs."""
    from gunicorn.glogging import Logger

    class PathOnlyLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                if not any(isinstance(f, QueryStringFilter) for f in log.filters):
                    log.addFilter(QueryStringFilter())

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            atoms["r"] = "{} {} {}".format(
                environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"),
                environ.get("SERVER_PROTOCOL"),
            )
            atoms["q"] = "-"
            atoms["f"] = _path_only(atoms.get("f", "-"))
            for key in ("{raw_uri}e", "{query_string}e", "{request_uri}e"):
                atoms.pop(key, None)
            atoms["{referer}i"] = _path_only(atoms.get("{referer}i", ""))
            return atoms

    return PathOnlyLogger


# The only fields a log line may carry. Messages themselves are written by this code base to
# carry ids and paths, never names, email addresses or free text.
LOG_FIELDS = ("status_code",)


class PersonalDataFreeJsonFormatter(JsonFormatter):
    def add_fields(self, log_data, record, message_dict):
        log_data["time"] = self.formatTime(record)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.getMessage()
        for name in ("request_id", "task_id"):
            if getattr(record, name, ""):
                log_data[name] = getattr(record, name)
        for name in LOG_FIELDS:
            if hasattr(record, name):
                log_data[name] = getattr(record, name)
        if record.exc_info:
            log_data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            log_data["exception"] = record.exc_text


class PersonalDataFreeReporterFilter(SafeExceptionReporterFilter):
    """Django's error report (the ADMINS email) with every request value and local variable
    hidden, not only those whose names look secret."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        keep = {"REQUEST_METHOD", "PATH_INFO", "SERVER_PROTOCOL", "CONTENT_TYPE"}
        return {
            key: value if key in keep else self.cleansed_substitute
            for key, value in getattr(request, "META", {}).items()
        }


class PersonalDataFreeExceptionReporter(ExceptionReporter):
    """Django's error report without what its filter leaves: the signed-in person's name, the
    query string's values and the exception's message (which can quote a row's data)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        hidden = SafeExceptionReporterFilter.cleansed_substitute
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None:
                data["user_str"] = f"user {getattr(user, 'pk', None)}"
            data["request_GET_items"] = [(key, hidden) for key in self.request.GET]
            if data.get("request_insecure_uri"):
                data["request_insecure_uri"] = str(data["request_insecure_uri"]).split("?")[0]
            data["request_FILES_items"] = [(key, hidden) for key in self.request.FILES]
        if data.get("exception_value"):
            data["exception_value"] = "(message removed)"
        for frame in data.get("frames", []):
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = type(frame["exc_cause"]).__name__
        return data
