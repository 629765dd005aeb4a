#!/bin/sh
# Lab stand-in for the official redis image's entrypoint.
set -e
# `docker run IMAGE --maxmemory 1gb` or `IMAGE /path/redis.conf` means redis-server.
case "$1" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  HOME=/data exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
exec "$@"
