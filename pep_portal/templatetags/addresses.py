"""Addresses that are the same on every request, looked up once per process.

The layout around every page links to the same few views and loads the same scripts and
stylesheets. `{% url %}` and `{% static %}` look each one up again on every render: about 20
microseconds apiece, a third of the signed-in layout's render time. `{% fixed_url 'name' %}` (a
view that takes no arguments) and `{% fixed_static 'path' %}` give the same address from a
per-process memo, kept per URLconf and script prefix; changing the URLs, the static files' URL
or their storage (as tests do) empties it.

A list's rows link each to its own object: `{% id_url 'children:detail' child.pk %}` reverses
the view once for a marker id and, for each row, puts the row's id where the marker was (two
of them per row cost a caseload page about a tenth of its render). It takes a view with one
`<int:...>` argument; for anything but a whole number at or above zero it reverses as
`{% url %}` would, with its errors.
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=256)
def _reversed(name: str, urlconf, script_prefix: str) -> str:
    return conditional_escape(reverse(name, urlconf=urlconf))


@lru_cache(maxsize=256)
def _static(path: str) -> str:
    return conditional_escape(static(path))


# An id no row has, long enough not to occur by chance in the rest of an address.
_MARKER = 918_273_645_546_372_819


@lru_cache(maxsize=256)
def _around_id(name: str, urlconf, script_prefix: str) -> tuple[str, str]:
    """The address of `name` for one id, as what comes before the id and what after."""
    address = reverse(name, args=[_MARKER], urlconf=urlconf)
    before, marker, after = address.partition(str(_MARKER))
    if not marker or str(_MARKER) in after:
        raise template.TemplateSyntaxError(f"{name} does not take one id: {address}")
    return conditional_escape(before), conditional_escape(after)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
        _around_id.cache_clear()
    elif setting in {"STATIC_URL", "STORAGES", "STATICFILES_STORAGE"}:
        _static.cache_clear()


def _quoted(tag: str, argument: str) -> str:
    """A tag's name argument, which must be a quoted string: the address cannot depend on
    the page's context, or one memo would serve every page the same."""
    if len(argument) < 2 or argument[0] != argument[-1] or argument[0] not in "'\"":
        raise template.TemplateSyntaxError(f"{tag} takes one quoted name, as in {tag} 'home'")
    return argument[1:-1]


def _quoted_argument(parser, token) -> str:
    bits = token.split_contents()
    return _quoted(bits[0], bits[1] if len(bits) == 2 else "")


class FixedUrlNode(template.Node):
    def __init__(self, name: str):
        self.name = name

    def render(self, context):
        return _reversed(self.name, get_urlconf(), get_script_prefix())


class FixedStaticNode(template.Node):
    def __init__(self, path: str):
        self.path = path

    def render(self, context):
        return _static(self.path)


@register.tag
def fixed_url(parser, token):
    """`{% fixed_url 'name' %}`: the address of the view called `name`, which takes no
    arguments."""
    return FixedUrlNode(_quoted_argument(parser, token))


@register.tag
def fixed_static(parser, token):
    """`{% fixed_static 'path' %}`: the address of the static file at `path` (its hashed name
    in production)."""
    return FixedStaticNode(_quoted_argument(parser, token))


class IdUrlNode(template.Node):
    def __init__(self, name: str, object_id: template.base.FilterExpression):
        self.name = name
        self.object_id = object_id

    def render(self, context):
        object_id = self.object_id.resolve(context)
        if type(object_id) is not int or object_id < 0:
            return conditional_escape(reverse(self.name, args=[object_id]))
        before, after = _around_id(self.name, get_urlconf(), get_script_prefix())
        return f"{before}{object_id}{after}"


@register.tag
def id_url(parser, token):
    """`{% id_url 'name' object.pk %}`: the address of the view called `name` for one id."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a quoted name and an id, as in {bits[0]} 'children:detail' child.pk"
        )
    return IdUrlNode(_quoted(bits[0], bits[1]), parser.compile_filter(bits[2]))
