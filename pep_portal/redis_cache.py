"""Django's Redis cache with one Redis client per connection pool.

Django's own client makes a new `redis.Redis` on every cache call (`get_client`), and each one
copies its table of about 170 response callbacks: on a signed-in page, whose session is read
from this cache, that was a tenth of the time of a bare view. A `redis.Redis` is safe to share
between threads (each command takes its own connection from the pool), so one is made per pool
and kept for the life of the process; the pools are Django's, unchanged.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
