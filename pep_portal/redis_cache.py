"""Django's Redis cache with one Redis client per connection pool.

Django's own client makes a new `redis.Redis` on every cache call (`get_client`), and each one
copies its table of about 170 response callbacks: in a profile of a signed-in bare view, whose
session is read from this cache, that was about a tenth of its time (over HTTP, in the page
benchmark, the difference was within the noise). A `redis.Redis` is safe to share
between threads (each command takes its own connection from the pool), so one is made per pool
and kept for the life of the process; the pools are Django's, unchanged.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django's pools live as long as the process, so each one's client can too.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
