import ipaddress

from django.conf import settings

from .context import client_address


def _address_of(request) -> str | None:
    """The client's address; behind N trusted proxies, the Nth from the right of X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies and _is_address(hops[-proxies]):
            return hops[-proxies]
    address = request.META.get("REMOTE_ADDR") or None
    return address if address and _is_address(address) else None


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(_address_of(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
