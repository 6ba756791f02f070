"""Figures kept in the shared cache until something they count changes.

Counting a council of 2,000 children for the dashboard or the PP+ report takes a dozen
queries, and the figures change only when a row they count changes. Each Virtual School has a
generation in the cache (and the country one), and figures are kept under the generations they
were counted in. A change gives its Virtual School a new generation twice: when it is made, and
again when its transaction commits, so figures counted meanwhile from the old rows are never read
again. Which saves count is wired in `reporting/cached.py`; a change made without the models'
signals (a bulk update) sends `children.signals.children_changed_in_bulk`, or calls
`figures_changed` itself, naming its Virtual Schools or, for the country, none.

Nothing is kept longer than `DASHBOARD_FIGURES_SECONDS`, so a change missed would last minutes,
not days, and each page says when its figures were counted. With no shared cache (no
REDIS_URL) nothing is kept, since a change in one process could not reach another's memory.
What is kept is encrypted with a key derived from SECRET_KEY (the PP+ report names children),
so that Redis's files on disk do not hold it readable.
"""

import base64
import hashlib
import pickle
import secrets
from collections.abc import Callable, Iterable

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone


def _scope() -> str:
    # Two databases on one Redis (a benchmark's two data sets, a staging copy) keep apart.
    return f"figures:{settings.DATABASES['default']['NAME']}"


def _country_key() -> str:
    return f"{_scope()}:generation"


def _vs_key(virtual_school_id: int) -> str:
    return f"{_scope()}:generation:{virtual_school_id}"


def keeping() -> bool:
    return settings.DASHBOARD_FIGURES_SECONDS > 0


def _renew(keys: list[str]) -> None:
    cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)


def figures_changed(virtual_school_ids: Iterable[int | None] | None = None) -> None:
    """The figures of these Virtual Schools (of every one, given None) are out of date: now,
    and again once the transaction commits."""
    if not keeping():
        return
    if virtual_school_ids is None:
        keys = [_country_key()]
    else:
        keys = sorted({_vs_key(pk) for pk in virtual_school_ids if pk is not None})
        if not keys:
            return
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def _generations(virtual_school_id: int) -> tuple[str, str]:
    keys = [_country_key(), _vs_key(virtual_school_id)]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # First use, or evicted: a new generation, so nothing kept before can be read.
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found = cache.get_many(keys)
    return found.get(keys[0], ""), found.get(keys[1], "")


def kept_key(virtual_school_id: int, *parts: object) -> str:
    """Where one page's figures are kept (`parts`: the page, and for whom and what), in the
    Virtual School's and the country's current generations."""
    country, own = _generations(virtual_school_id)
    return ":".join([_scope(), str(virtual_school_id), *map(str, parts), country, own])


def kept(virtual_school_id: int, parts: tuple, count: Callable[[], object]):
    """The figures and when they were counted: from the cache if nothing they count has
    changed since, or counted now."""
    if not keeping():
        return count(), timezone.now()
    key = kept_key(virtual_school_id, *parts)
    token = cache.get(key)
    if token is not None:
        try:
            # Unpickled only once decrypted: nothing but this process's own sealing reaches it.
            return pickle.loads(_fernet().decrypt(token))  # noqa: S301
        except InvalidToken:
            pass  # sealed under another SECRET_KEY: counted again
    found = (count(), timezone.now())
    token = _fernet().encrypt(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    cache.set(key, token, timeout=settings.DASHBOARD_FIGURES_SECONDS)
    return found


def _fernet() -> Fernet:
    # The PP+ report names children, and Redis writes to disk: what is kept is sealed.
    digest = hashlib.sha256(f"pep-portal kept figures:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))
