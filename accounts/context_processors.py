from django.urls import reverse

from .roles import ROLE_NAVIGATION


def navigation(request):
    """The service navigation for the signed-in user's role, with the current page marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": ()}
    items = []
    for label, url_name in ROLE_NAVIGATION.get(user.role, ()):
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"navigation": items}
