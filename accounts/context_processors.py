from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

from .roles import ROLE_NAVIGATION


@lru_cache(maxsize=64)
def _role_items(role: str, script_prefix: str) -> tuple[tuple[str, str], ...]:
    """The role's navigation labels and addresses, reversed once per process (and prefix)
    rather than on every page."""
    return tuple((label, reverse(url_name)) for label, url_name in ROLE_NAVIGATION.get(role, ()))


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _role_items.cache_clear()


def navigation(request):
    """The service navigation for the signed-in user's role, with the current page marked: the
    item whose address is the longest start of this page's (the Virtual School's dashboard at
    /virtual-school/ is not current on /virtual-school/imports/, which has its own item)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": ()}
    items = [
        {"label": label, "url": url, "active": False}
        for label, url in _role_items(user.role, get_script_prefix())
    ]
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"navigation": items}
