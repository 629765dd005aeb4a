#!/usr/bin/python3
"""Lab stand-in for the `odoo` server of the official `odoo:<major>` image (lab only).

Odoo cannot be obtained on our machines, so this program plays the parts of Odoo that
our roles and checks rely on: option handling per major version, the PostgreSQL
connection rules, the process model (prefork HTTP workers + one gevent process, or one
threaded process), database init/update with --stop-after-init, cron threads, and a
handful of routes. Every part says which Odoo behaviour it stands in for and how it
differs. It is not Odoo: no ORM, no modules, no real authentication.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qs, urlsplit

import psycopg2
import psycopg2.errors
from psycopg2 import sql

try:
    from setproctitle import setproctitle
except ImportError:  # as Odoo: the process titles are optional

    def setproctitle(title: str) -> None:
        pass


VERSION = os.environ.get("ODOO_VERSION", "17.0").split(".")[0]
OPTIONS_FILE = Path(os.environ.get("ODOO_LAB_OPTIONS", "/usr/share/odoo-lab/options.json"))
# How often a cron thread writes its heartbeat (Odoo's cron wakes up every 60 s or on
# a NOTIFY; the stand-in writes a row each turn so liveness can be checked).
CRON_INTERVAL = float(os.environ.get("ODOO_LAB_CRON_INTERVAL", "5"))
# Flags that take no value besides booleans (optparse store_true / callbacks).
VALUELESS = {"--log-web", "--log-sql", "--test-enable"}


def log(msg: str, level: str = "INFO") -> None:
    """Odoo-like log line on stderr: date, pid, level, logger, message."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    sys.stderr.write(f"{stamp},000 {os.getpid()} {level} ? odoo.lab: {msg}\n")
    sys.stderr.flush()


def die(msg: str, code: int = 1) -> NoReturn:
    sys.stderr.write(msg + "\n")
    sys.exit(code)


# --- options (odoo/tools/config.py) ---------------------------------------------------


def load_spec() -> tuple[dict[str, list[Any]], dict[str, str]]:
    """The keys, flags, types and defaults of this major (from ../shared/odoo-options)."""
    data = json.loads(OPTIONS_FILE.read_text())
    if VERSION not in data:
        known = ", ".join(k for k in data if not k.startswith("_"))
        die(f"ODOO_VERSION {VERSION} is not one the stand-in knows ({known})")
    return data[VERSION]["options"], data[VERSION]["aliases"]


def convert(key: str, kind: str, raw: str) -> Any:
    """Values as Odoo's configmanager converts them (True/False/None, ints, floats)."""
    if raw in ("True", "true"):
        return True
    if raw in ("False", "false"):
        return False
    if raw == "None":
        return None
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        die(f"odoo: error: option {key}: invalid {kind} value: {raw!r}", 2)
    return raw


def parse_options(argv: list[str]) -> dict[str, Any]:
    """Defaults < odoo.conf [options] < command line, as Odoo does.

    Differs from Odoo 15-18: unknown keys in odoo.conf are refused here (Odoo ignores
    them silently; 19 logs them), so a key that does not exist in this major is caught.
    Unknown flags are refused as optparse does ("no such option").
    """
    spec, aliases = load_spec()
    flags = {f: key for key, (_, _, fl) in spec.items() for f in fl}
    opts: dict[str, Any] = {key: default for key, (_, default, _) in spec.items()}
    cli: dict[str, Any] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, eq, value = arg.partition("=")
        if name not in flags:
            die(f"Usage: odoo [options]\n\nodoo: error: no such option: {name}", 2)
        key = flags[name]
        kind, default = spec[key][0], spec[key][1]
        if kind == "bool" or name in VALUELESS:
            # --no-http / --no-database-list store False; --proxy-mode etc. store True.
            cli[key] = default is not True
            continue
        if not eq:
            if not args:
                die(f"odoo: error: {name} option requires 1 argument", 2)
            value = args.pop(0)
        cli[key] = convert(key, kind, value)
    rc = cli.get("config") or os.environ.get("ODOO_RC") or os.path.expanduser("~/.odoorc")
    parser = configparser.RawConfigParser()
    if os.path.exists(rc):
        parser.read(rc)
    if parser.has_section("options"):
        for key, raw in parser.items("options"):
            key = aliases.get(key, key)  # xmlrpc_port -> http_port, as Odoo renames them
            if key not in spec:
                die(f"odoo.conf {rc}: unknown option {key!r}: Odoo {VERSION}.0 has no such option")
            opts[key] = convert(key, spec[key][0], raw)
    opts.update(cli)
    opts["config"] = rc
    if not opts.get("data_dir"):
        opts["data_dir"] = os.path.expanduser("~/.local/share/Odoo")
    return opts


# --- PostgreSQL (odoo/sql_db.py) ---------------------------------------------------


class PoolError(Exception):
    """Odoo's sql_db.PoolError: 'The Connection Pool Is Full'."""


class Pool:
    """At most db_maxconn connections per process, reused between requests.

    Stands in for sql_db.ConnectionPool: a request that finds the pool full gets
    PoolError at once (Odoo first closes idle connections to other databases; here all
    connections go to one database). application_name is odoo-<pid> as in Odoo 17+.
    """

    def __init__(self, opts: dict[str, Any]) -> None:
        self.opts = opts
        self.maxconn = max(1, int(opts["db_maxconn"]))
        self.idle: list[tuple[str, Any]] = []
        self.busy = 0
        self.lock = threading.Lock()

    def dsn(self, db: str) -> dict[str, Any]:
        o = self.opts
        dsn = {"dbname": db, "application_name": f"odoo-{os.getpid()}"}
        for key, name in (("db_host", "host"), ("db_port", "port"), ("db_user", "user")):
            if o.get(key):
                dsn[name] = o[key]
        if o.get("db_password"):
            dsn["password"] = o["db_password"]
        # sslrootcert/sslcert come from libpq itself: PGSSLROOTCERT or
        # ~/.postgresql/root.crt (HOME=/var/lib/odoo), as with real Odoo.
        dsn["sslmode"] = o.get("db_sslmode") or "prefer"
        return dsn

    def borrow(self, db: str) -> Any:
        with self.lock:
            for i, (name, conn) in enumerate(self.idle):
                if name == db and not conn.closed:
                    del self.idle[i]
                    self.busy += 1
                    return conn
            if self.busy + len(self.idle) >= self.maxconn:
                if not self.idle:
                    raise PoolError("The Connection Pool Is Full")
                self.idle.pop(0)[1].close()
            self.busy += 1
        try:
            conn = psycopg2.connect(**self.dsn(db))
        except Exception:
            with self.lock:
                self.busy -= 1
            raise
        conn.autocommit = True
        return conn

    def give_back(self, db: str, conn: Any) -> None:
        with self.lock:
            self.busy -= 1
            if not conn.closed:
                self.idle.append((db, conn))

    def run(self, db: str, query: Any, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = self.borrow(db)
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else []
        finally:
            self.give_back(db, conn)


def check_postgres_user(opts: dict[str, Any], pool: Pool) -> None:
    """Odoo refuses the user named 'postgres' (server.check_postgres_user, by name only).

    The stand-in also asks PostgreSQL whether the connected role is a superuser
    (rolsuper) and refuses that too: stricter than Odoo, which only checks the name.
    """
    user = opts.get("db_user") or os.environ.get("PGUSER")
    if user == "postgres":
        die("Using the database user 'postgres' is a security risk, aborting.")
    db = opts.get("db_name") or "postgres"
    if not database_exists(pool, db):
        db = "postgres"
    rows = pool.run(db, "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    if rows and rows[0][1]:
        die(f"Using the database user '{rows[0][0]}' is a security risk, aborting.")


def database_exists(pool: Pool, db: str) -> bool:
    rows = pool.run("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", (db,))
    return bool(rows)


SCHEMA = """
CREATE TABLE IF NOT EXISTS ir_module_module (
    id serial PRIMARY KEY, name varchar NOT NULL UNIQUE, state varchar NOT NULL,
    latest_version varchar, write_date timestamp DEFAULT (now() at time zone 'UTC'));
CREATE TABLE IF NOT EXISTS ir_config_parameter (
    id serial PRIMARY KEY, key varchar NOT NULL UNIQUE, value text NOT NULL);
CREATE TABLE IF NOT EXISTS ir_attachment (
    id serial PRIMARY KEY, name varchar NOT NULL, store_fname varchar, file_size int,
    checksum varchar(40), create_date timestamp DEFAULT (now() at time zone 'UTC'));
CREATE TABLE IF NOT EXISTS lab_module_update (
    id serial PRIMARY KEY, modules varchar NOT NULL, pid int,
    create_date timestamp DEFAULT (now() at time zone 'UTC'));
CREATE TABLE IF NOT EXISTS lab_cron_heartbeat (
    id serial PRIMARY KEY, pid int NOT NULL, thread varchar NOT NULL,
    create_date timestamp DEFAULT (now() at time zone 'UTC'));
"""


def initialized(pool: Pool, db: str) -> bool:
    """odoo.modules.db.is_initialized: the module table exists."""
    return bool(pool.run(db, "SELECT 1 FROM pg_class WHERE relname = 'ir_module_module'"))


def load_modules(opts: dict[str, Any], pool: Pool, db: str) -> None:
    """-d/-i/-u on one database: stands in for Registry.new(update_module=...).

    As Odoo's cli/server.py, a database given with -d that does not exist is created
    (needs CREATEDB; without it Odoo logs and goes on) and base installed in it. -i creates
    the few tables this stand-in uses (real Odoo: hundreds, from base's models) and
    marks the modules installed; -u records an update row. No module code runs.
    """
    init = [m for m in (opts.get("init") or "").split(",") if m]
    if not database_exists(pool, db):
        create = "CREATE DATABASE {} ENCODING 'unicode' TEMPLATE template0"
        try:
            pool.run("postgres", sql.SQL(create).format(sql.Identifier(db)))
        except psycopg2.errors.InsufficientPrivilege as err:
            log(f"Could not determine if database {db} exists, skipping auto-creation: {err}")
        else:
            log(f"created database {db}; installing base")
            init = ["base", *(m for m in init if m != "base")]
    update = [m for m in (opts.get("update") or "").split(",") if m]
    if not initialized(pool, db) and "base" not in init:
        if init or update:
            # As Odoo: an error in the log, not an exit status.
            log(f"Database {db} not initialized, you can force it with `-i base`", "ERROR")
        return
    if init:
        pool.run(db, SCHEMA)
        pool.run(
            db,
            "INSERT INTO ir_config_parameter (key, value) VALUES ('database.uuid', %s) "
            "ON CONFLICT (key) DO NOTHING",
            (secrets.token_hex(16),),
        )
        for mod in init:
            pool.run(
                db,
                "INSERT INTO ir_module_module (name, state, latest_version) "
                "VALUES (%s, 'installed', %s) ON CONFLICT (name) DO UPDATE "
                "SET state = 'installed', write_date = now() at time zone 'UTC'",
                (mod, f"{VERSION}.0.1.0"),
            )
        log(f"modules installed in {db}: {', '.join(init)}")
    if update:
        pool.run(
            db,
            "INSERT INTO lab_module_update (modules, pid) VALUES (%s, %s)",
            (",".join(update), os.getpid()),
        )
        log(f"modules updated in {db}: {', '.join(update)}")


# --- sessions (odoo/http.py FilesystemSessionStore, session_redis addon) ----------


class SessionStore:
    """Where /web/login puts its session.

    With ODOO_SESSION_REDIS set (camptocamp's session_redis addon contract: _URL, or
    _HOST, _PORT and _PASSWORD) sessions go to Redis under `session:<prefix>:<sid>`
    (`session:<sid>` without a prefix) as JSON with ODOO_SESSION_REDIS_EXPIRATION
    (default 7 days) or _EXPIRATION_ANONYMOUS (default 3 h) as TTL. Otherwise under
    data_dir/sessions/<sid[:2]>/<sid> (Odoo 16+ layout; 15 used werkzeug_<sid>.sess
    files).
    """

    def __init__(self, opts: dict[str, Any]) -> None:
        env = os.environ
        self.redis: Any = None
        if env.get("ODOO_SESSION_REDIS", "").lower() in ("1", "true", "yes", "on"):
            import redis

            url = env.get("ODOO_SESSION_REDIS_URL")
            if url:
                # As session_redis: redis.from_url(), which also carries an ACL user
                # (redis://user:password@host:port/db) that a bare password cannot.
                self.redis = redis.Redis.from_url(url)
            else:
                self.redis = redis.Redis(
                    host=env.get("ODOO_SESSION_REDIS_HOST") or "localhost",
                    port=int(env.get("ODOO_SESSION_REDIS_PORT") or 6379),
                    password=env.get("ODOO_SESSION_REDIS_PASSWORD") or None,
                )
            prefix = env.get("ODOO_SESSION_REDIS_PREFIX")
            self.prefix = f"session:{prefix}:" if prefix else "session:"
            self.ttl = int(env.get("ODOO_SESSION_REDIS_EXPIRATION") or 7 * 86400)
            self.anon_ttl = int(env.get("ODOO_SESSION_REDIS_EXPIRATION_ANONYMOUS") or 3 * 3600)
        self.path = Path(opts["data_dir"]) / "sessions"

    def save(self, sid: str, data: dict[str, Any]) -> None:
        if self.redis is not None:
            ttl = self.ttl if data.get("uid") else self.anon_ttl
            self.redis.set(self.prefix + sid, json.dumps(data), ex=ttl)
            return
        target = self.path / sid[:2] / sid
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data))


# --- HTTP (odoo/http.py, web controllers) ----------------------------------------------

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Handler(BaseHTTPRequestHandler):
    """The routes the roles and checks use. Set on the class by make_server()."""

    opts: dict[str, Any]
    pool: Pool
    sessions: SessionStore
    evented: bool = False  # the gevent process, or the threaded server (workers=0)
    server_version = "Werkzeug/lab"

    def log_message(self, format: str, *args: Any) -> None:
        log(f"{self.client_address[0]} {format % args}", "INFO")

    # X-Forwarded-* are trusted only with proxy_mode (Odoo wraps the app in werkzeug's
    # ProxyFix(x_for=1, x_proto=1, x_host=1) then).
    def remote(self) -> tuple[str, str, str]:
        addr, scheme, host = self.client_address[0], "http", self.headers.get("Host", "")
        if self.opts.get("proxy_mode"):
            fwd = self.headers.get("X-Forwarded-For")
            addr = fwd.split(",")[-1].strip() if fwd else addr
            scheme = self.headers.get("X-Forwarded-Proto", scheme)
            host = self.headers.get("X-Forwarded-Host", host)
        return addr, scheme, host

    def reply(self, code: int, body: Any, ctype: str = "application/json", **hdr: str) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if ctype.startswith("text/") and isinstance(body, str):
            data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in hdr.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self.route("GET")

    def do_POST(self) -> None:
        self.route("POST")

    def route(self, method: str) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        db = self.opts.get("db_name") or ""
        try:
            if path == "/web/health":
                return self.health(query)
            if path.startswith("/web/database"):
                # web.controllers.database: not_found() when list_db is False.
                if not self.opts.get("list_db"):
                    return self.reply(404, "404: Not Found", "text/html")
                return self.reply(200, "<html>database manager (lab)</html>", "text/html")
            if path == "/websocket" and VERSION != "15":
                return self.websocket()
            if path.startswith("/longpolling/") and VERSION == "15":
                return self.longpolling()
            if path == "/web/login":
                return self.login(method, db)
            if path == "/web/binary/upload_attachment" and method == "POST":
                return self.attachment(db, query)
            if path == "/lab/request":
                return self.reply(200, self.lab_request(db, query))
        except PoolError as exc:
            log(str(exc), "ERROR")
            return self.reply(500, {"error": str(exc)})
        return self.reply(404, "404: Not Found", "text/html")

    def health(self, query: dict[str, list[str]]) -> None:
        """Odoo's /web/health (save_session=False: never a cookie). With
        ?db_server_status=1 it also opens a connection to the `postgres` database, as
        recent Odoo versions do; the stand-in accepts that parameter on every major."""
        info: dict[str, Any] = {"status": "pass"}
        status = 200
        if query.get("db_server_status", ["0"])[0] not in ("0", "", "False"):
            try:
                self.pool.run("postgres", "SELECT 1")
                info["db_server_status"] = True
            except psycopg2.Error:
                info, status = {"status": "fail", "db_server_status": False}, 500
        self.reply(status, info, Cache_Control="no-store")

    def websocket(self) -> None:
        """Odoo 16+: /websocket upgrades to a websocket on the gevent port.

        In prefork mode the HTTP workers refuse it (Odoo raises 'Couldn't bind the
        websocket. Is the connection opened on the evented port (8072)?'). After the
        101 the stand-in only answers a close frame: no bus messages.
        """
        if not self.evented:
            return self.reply(
                400,
                "Couldn't bind the websocket. Is the connection opened on the evented port?",
                "text/plain",
            )
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            return self.reply(400, "Bad Request: not a websocket upgrade", "text/plain")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.write(b"\x88\x02\x03\xe8")  # close frame, 1000 normal closure
        self.close_connection = True

    def longpolling(self) -> None:
        """Odoo 15: the bus is long-polled over HTTP (/longpolling/poll), no upgrade.

        The stand-in answers an empty JSON-RPC result after a short wait; Odoo holds
        the request up to 50 s waiting for bus notifications.
        """
        if not self.evented:
            return self.reply(404, "404: Not Found", "text/html")
        self.body()
        time.sleep(0.2)
        self.reply(200, {"jsonrpc": "2.0", "id": None, "result": []})

    def login(self, method: str, db: str) -> None:
        """/web/login: a session and its cookie. No authentication here: a POST with a
        `login` field logs in as uid 2 whatever the password (Odoo checks res_users)."""
        form = parse_qs(self.body().decode()) if method == "POST" else {}
        sid = secrets.token_urlsafe(63)  # 84 characters, as Odoo's session ids
        login = form.get("login", [None])[0]
        data = {"db": db, "login": login, "uid": 2 if login else None, "context": {}}
        self.sessions.save(sid, data)
        cookie = f"session_id={sid}; HttpOnly; Path=/; SameSite=Lax"
        if method == "POST" and login:
            self.reply(303, b"", "text/html", Location="/odoo", Set_Cookie=cookie)
        else:
            self.reply(200, "<html><form>login (lab)</form></html>", "text/html", Set_Cookie=cookie)

    def attachment(self, db: str, query: dict[str, list[str]]) -> None:
        """Stands in for ir.attachment's file store: data_dir/filestore/<db>/<sha[:2]>/<sha>.

        Raw request body, name in ?name=; Odoo's route takes a multipart form and
        checks the user's access rights.
        """
        data = self.body()
        sha = hashlib.sha1(data).hexdigest()
        fname = f"{sha[:2]}/{sha}"
        path = Path(self.opts["data_dir"]) / "filestore" / db / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        name = query.get("name", ["upload"])[0]
        rows = self.pool.run(
            db,
            "INSERT INTO ir_attachment (name, store_fname, file_size, checksum) "
            "VALUES (%s, %s, %s, %s) RETURNING id",
            (name, fname, len(data), sha),
        )
        self.reply(200, {"id": rows[0][0], "store_fname": fname, "path": str(path)})

    def lab_request(self, db: str, query: dict[str, list[str]]) -> dict[str, Any]:
        """Lab-only route: what the request looked like after proxy_mode, optionally
        holding a pooled connection in pg_sleep (to observe db_maxconn and TLS)."""
        sleep = float(query.get("sleep", ["0"])[0])
        if sleep:
            self.pool.run(db or "postgres", "SELECT pg_sleep(%s)", (sleep,))
        addr, scheme, host = self.remote()
        return {"remote_addr": addr, "scheme": scheme, "host": host, "pid": os.getpid()}


def make_handler(opts: dict[str, Any], evented: bool) -> type[Handler]:
    pool = Pool(opts)
    sessions = SessionStore(opts)
    # As werkzeug: HTTP/1.1 (keep-alive) only for the threaded servers; a prefork
    # worker answers HTTP/1.0 and closes, so no idle client pins a worker.
    protocol = "HTTP/1.1" if evented else "HTTP/1.0"
    attrs = {"opts": opts, "pool": pool, "sessions": sessions, "evented": evented}
    return type("BoundHandler", (Handler,), {**attrs, "protocol_version": protocol})


# --- cron (odoo/service/server.py cron threads, ir.cron) ------------------------------


def cron_loop(opts: dict[str, Any], name: str) -> None:
    """One cron thread: Odoo's polls ir_cron for due jobs; the stand-in writes a
    heartbeat row (lab_cron_heartbeat) every ODOO_LAB_CRON_INTERVAL seconds on
    db_name once it is initialized. Runs no jobs."""
    pool = Pool({**opts, "db_maxconn": 1})
    db = opts.get("db_name") or ""
    while True:
        try:
            if db and initialized(pool, db):
                pool.run(
                    db,
                    "INSERT INTO lab_cron_heartbeat (pid, thread) VALUES (%s, %s)",
                    (os.getpid(), name),
                )
        except psycopg2.Error as exc:
            log(f"cron {name}: {exc}", "ERROR")
        time.sleep(CRON_INTERVAL)


def start_cron_threads(opts: dict[str, Any]) -> None:
    for i in range(int(opts.get("max_cron_threads") or 0)):
        t = threading.Thread(target=cron_loop, args=(opts, f"odoo.service.cron.cron{i}"))
        t.daemon = True
        t.start()


# --- servers (odoo/service/server.py) ----------------------------------------------


def http_address(opts: dict[str, Any]) -> tuple[str, int]:
    return (opts.get("http_interface") or "0.0.0.0", int(opts.get("http_port") or 8069))


def websocket_port(opts: dict[str, Any]) -> int:
    """longpolling_port in 15; gevent_port from 16, where a non-zero longpolling_port
    (16/17: a deprecated alias, default 0) still wins, with a warning."""
    if VERSION == "15":
        return int(opts.get("longpolling_port") or 8072)
    if opts.get("longpolling_port"):
        log("longpolling_port is a deprecated alias to gevent_port", "WARNING")
        return int(opts["longpolling_port"])
    return int(opts.get("gevent_port") or 8072)


def threaded_server(opts: dict[str, Any]) -> None:
    """workers = 0 (ThreadedServer): one process, threaded HTTP (websocket/longpolling
    served on the HTTP port too) and max_cron_threads cron threads."""
    start_cron_threads(opts)
    if not opts.get("http_enable"):
        log("HTTP service disabled; cron threads only")
        while True:
            time.sleep(3600)
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(http_address(opts), make_handler(opts, evented=True))
    log(f"HTTP service (werkzeug) running on {http_address(opts)}")
    server.serve_forever()


def gevent_server(opts: dict[str, Any]) -> None:
    """`odoo gevent`: the evented process the prefork master spawns for the bus
    (Odoo: gevent WSGI server on gevent_port / longpolling_port). Threads here."""
    ThreadingHTTPServer.allow_reuse_address = True
    addr = (opts.get("http_interface") or "0.0.0.0", websocket_port(opts))
    server = ThreadingHTTPServer(addr, make_handler(opts, evented=True))
    log(f"Evented Service (longpolling/websocket) running on {addr}")
    server.serve_forever()


def http_worker(opts: dict[str, Any], sock: socket.socket) -> None:
    """A forked HTTP worker (WorkerHTTP): one request at a time on the listening socket
    shared by all workers. Odoo also recycles workers after limit_request requests and
    on limit_memory_*/limit_time_*; the stand-in never does."""
    server = HTTPServer(http_address(opts), make_handler(opts, evented=False), False)
    server.socket.close()
    server.socket = sock
    server.serve_forever()


def cron_worker(opts: dict[str, Any]) -> None:
    """A forked cron worker (WorkerCron): one cron loop per process in prefork mode."""
    cron_loop(opts, f"odoo.service.cron.cron-{os.getpid()}")


def prefork_server(opts: dict[str, Any], argv: list[str]) -> None:
    """workers > 0 (PreforkServer): the master binds 8069, forks `workers` HTTP workers
    and max_cron_threads cron workers, spawns `odoo gevent` for the websocket port
    (only with HTTP enabled), and respawns any child that dies."""
    sock: socket.socket | None = None
    gevent: subprocess.Popen[bytes] | None = None
    if opts.get("http_enable"):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(http_address(opts))
        sock.listen(128)
        gevent = subprocess.Popen([sys.executable, sys.argv[0], "gevent", *argv])
        log(f"HTTP service (werkzeug) running on {http_address(opts)}")
    children: dict[int, str] = {}

    def spawn(kind: str) -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            # Odoo's Worker.setproctitle (when python3-setproctitle is installed).
            name = "WorkerHTTP" if kind == "http" else "WorkerCron"
            setproctitle(f"odoo: {name} {os.getpid()} ")
            try:
                if kind == "http" and sock is not None:
                    http_worker(opts, sock)
                else:
                    cron_worker(opts)
            finally:
                os._exit(0)
        children[pid] = kind

    def stop(signum: int, frame: Any) -> None:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        if gevent is not None:
            gevent.terminate()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(int(opts["workers"]) if sock else 0):
        spawn("http")
    for _ in range(int(opts.get("max_cron_threads") or 0)):
        spawn("cron")
    while True:
        pid, _ = os.wait()
        if gevent is not None and pid == gevent.pid:
            gevent = subprocess.Popen([sys.executable, sys.argv[0], "gevent", *argv])
        elif pid in children:
            spawn(children.pop(pid))


def main(argv: list[str]) -> None:
    gevent = bool(argv) and argv[0] == "gevent"
    if gevent:
        argv = argv[1:]
    opts = parse_options(argv)
    # PID 1 in a container ignores signals it has no handler for.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    if os.geteuid() == 0:
        # Odoo: "Running as user 'root' is a security risk." (a warning, not an abort)
        log("Running as user 'root' is a security risk.", "WARNING")
    pool = Pool(opts)
    check_postgres_user(opts, pool)
    if not gevent:
        log(f"Odoo version {VERSION}.0 (lab stand-in)")
        db = opts.get("db_name") or ""
        if db:
            load_modules(opts, pool, db.split(",")[0])
    for _, conn in pool.idle:  # the servers below open their own pools
        conn.close()
    if gevent:
        return gevent_server(opts)
    if opts.get("stop_after_init"):
        sys.exit(0)
    if int(opts.get("workers") or 0) > 0:
        prefork_server(opts, argv)
    else:
        threaded_server(opts)


if __name__ == "__main__":
    main(sys.argv[1:])
