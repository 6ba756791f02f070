"""The service's own error pages (templates/403.html, 404.html, 500.html), not Django's."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .observability import request_id_var


@requires_csrf_token
def server_error(request):
    """The 500 page, rendered without the request or the database, either of which may be what
    failed. It gives the request's id, which finds the failure in the logs."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"reference": request_id_var.get()}))
