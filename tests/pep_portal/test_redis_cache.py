"""The Redis cache (sessions, kept figures) keeps one client per connection pool."""

import os

import pytest

from pep_portal.redis_cache import ReusedClientRedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


@pytest.fixture
def cache():
    cache = ReusedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "redis-cache-test"})
    yield cache
    cache.clear()


def test_every_call_uses_the_same_client_and_pool(cache):
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is first
    assert cache._cache.get_client("a key", write=True) is first
    assert first.connection_pool is cache._cache._get_connection_pool(write=True)


def test_it_reads_writes_and_deletes_like_djangos(cache):
    assert cache.get("figures") is None
    cache.set("figures", {"children": 2000}, 60)
    assert cache.get("figures") == {"children": 2000}
    assert cache.add("figures", "other", 60) is False
    assert cache.add("count", 1) is True
    assert cache.incr("count") == 2
    cache.delete("figures")
    assert cache.get("figures") is None
