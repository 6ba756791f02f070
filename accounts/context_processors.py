from django.urls import reverse

from .roles import ROLE_NAVIGATION


def navigation(request):
    """The service navigation for the signed-in user's role, with the current page marked: the
    item whose address is the longest start of this page's (the Virtual School's dashboard at
    /virtual-school/ is not current on /virtual-school/imports/, which has its own item)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": ()}
    items = [
        {"label": label, "url": reverse(url_name), "active": False}
        for label, url_name in ROLE_NAVIGATION.get(user.role, ())
    ]
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"navigation": items}
