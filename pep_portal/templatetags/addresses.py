"""Addresses that are the same on every request, looked up once per process.

The layout around every page links to the same few views and loads the same scripts and
stylesheets. `{% url %}` and `{% static %}` look each one up again on every render: about 20
microseconds apiece, a third of the signed-in layout's render time. `{% fixed_url 'name' %}` (a
view that takes no arguments) and `{% fixed_static 'path' %}` give the same address from a
per-process memo, kept per URLconf and script prefix; changing the URLs, the static files' URL
or their storage (as tests do) empties it. Addresses with arguments stay `{% url %}`: they differ
from one object to the next.
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


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
    elif setting in {"STATIC_URL", "STORAGES", "STATICFILES_STORAGE"}:
        _static.cache_clear()


def _quoted_argument(parser, token) -> str:
    """The tag's one argument, which must be a quoted string: the address cannot depend on
    the page's context, or one memo would serve every page the same."""
    bits = token.split_contents()
    argument = bits[1] if len(bits) == 2 else ""
    if len(argument) < 2 or argument[0] != argument[-1] or argument[0] not in "'\"":
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes one quoted name, as in {bits[0]} 'home'"
        )
    return argument[1:-1]


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
