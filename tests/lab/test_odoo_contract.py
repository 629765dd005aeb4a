"""The lab's `odoo` contract image behaves like the official odoo:<major> image for what
our roles use. Checked by running it against the lab PostgreSQL (TLS, a self-signed CA)
and Redis images on a network of its own, never by reading its recipe."""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lab import images

pytestmark = pytest.mark.lab

DB = "tenant"
PREFIX = "tenant-a"


def sh(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, text=True, capture_output=True, check=check)


def ip_of(name: str) -> str:
    fmt = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"
    return sh("docker", "inspect", "-f", fmt, name).stdout.strip()


def request(
    ip: str,
    path: str,
    port: int = 8069,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(ip, port, timeout=15)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def websocket_upgrade(ip: str, port: int, path: str) -> tuple[int, str]:
    """Status of a websocket handshake and whether Sec-WebSocket-Accept is right."""
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection((ip, port), timeout=10) as s:
        s.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {ip}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = s.recv(4096).decode(errors="replace")
    guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    accept = base64.b64encode(hashlib.sha1((key + guid).encode()).digest()).decode()
    return int(head.split()[1]), ("ok" if f"Sec-WebSocket-Accept: {accept}" in head else head)


def wait_health(name: str, port: int) -> None:
    ip = ip_of(name)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if request(ip, "/web/health", port)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    logs = sh("docker", "logs", name, check=False)
    raise AssertionError(f"{name} not serving on {port}: {logs.stdout}{logs.stderr}")


@dataclass
class Lab:
    network: str
    pg: str
    redis: str
    conf_dir: Path
    ca: Path
    started: list[str] = field(default_factory=list)

    def psql(self, sql: str, db: str = DB) -> str:
        cmd = ("docker", "exec", self.pg, "psql", "-U", "postgres", "-d", db, "-Atc", sql)
        return sh(*cmd).stdout.strip()

    def odoo(
        self,
        image: str,
        *args: str,
        conf: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        detach: bool = False,
    ) -> tuple[str, subprocess.CompletedProcess[str]]:
        """Run the image as a role would: odoo.conf mounted, DB password from the
        entrypoint's env contract, the tenant CA for libpq (PGSSLROOTCERT)."""
        name = f"{self.network}-{uuid.uuid4().hex[:6]}"
        conf_file = self.conf_dir / f"{name}.conf"
        lines = {"data_dir": "/var/lib/odoo", "db_host": "db", "db_user": "odoo", **(conf or {})}
        conf_file.write_text("[options]\n" + "".join(f"{k} = {v}\n" for k, v in lines.items()))
        conf_file.chmod(0o644)
        cmd = ["docker", "run", "--name", name, "--network", self.network]
        cmd += ["-d"] if detach else []
        for k, v in {"PASSWORD": "opw", "PGSSLROOTCERT": "/certs/ca.crt", **(env or {})}.items():
            cmd += ["-e", f"{k}={v}"]
        cmd += ["-v", f"{conf_file}:/etc/odoo/odoo.conf:ro", "-v", f"{self.ca}:/certs/ca.crt:ro"]
        proc = sh(*cmd, images.tag(image), "odoo", *args, check=False)
        if not detach:
            sh("docker", "rm", "-f", name, check=False)
        return name, proc

    def serve(self, image: str, *args: str, **kw: object) -> str:
        name, proc = self.odoo(image, *args, detach=True, **kw)  # type: ignore[arg-type]
        assert proc.returncode == 0, proc.stderr
        self.started.append(name)
        wait_health(name, 8069)
        return name


def make_certs(d: Path) -> None:
    """A self-signed tenant CA and a server certificate for the name `db`."""
    ossl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    sh(*ossl, "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.crt", "-subj", "/CN=lab tenant CA")
    sh(
        *("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=db"),
        *("-keyout", f"{d}/server.key", "-out", f"{d}/server.csr"),
    )
    (d / "ext.cnf").write_text("subjectAltName=DNS:db\n")
    sh(
        *("openssl", "x509", "-req", "-in", f"{d}/server.csr", "-days", "2"),
        *("-CA", f"{d}/ca.crt", "-CAkey", f"{d}/ca.key", "-CAcreateserial"),
        *("-extfile", f"{d}/ext.cnf", "-out", f"{d}/server.crt"),
    )
    for f in ("ca.crt", "server.crt"):
        (d / f).chmod(0o644)
    os.chown(d / "server.key", 999, 999)  # the postgres user of the lab image
    (d / "server.key").chmod(0o600)
    d.chmod(0o755)


@pytest.fixture(scope="module")
def lab(lab_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    net = f"test-odoo-{uuid.uuid4().hex[:6]}"
    certs = tmp_path_factory.mktemp("certs")
    make_certs(certs)
    confs = tmp_path_factory.mktemp("conf")
    confs.chmod(0o755)
    sh("docker", "network", "create", net)
    lab = Lab(net, f"{net}-db", f"{net}-redis", confs, certs / "ca.crt")
    lab.started += [lab.pg, lab.redis]
    try:
        sh(
            *("docker", "run", "-d", "--name", lab.pg, "--network", net, "--network-alias", "db"),
            *("-e", "POSTGRES_PASSWORD=superpw", "-v", f"{certs}:/certs:ro"),
            images.ensure("postgres"),
            *("postgres", "-c", "ssl=on", "-c", "ssl_cert_file=/certs/server.crt"),
            *("-c", "ssl_key_file=/certs/server.key"),
        )
        sh(
            *("docker", "run", "-d", "--name", lab.redis, "--network", net),
            *("--network-alias", "redis", images.ensure("redis"), "--requirepass", "rpw"),
        )
        deadline = time.monotonic() + 60
        while sh("docker", "exec", lab.pg, "pg_isready", "-h", "127.0.0.1", check=False).returncode:
            assert time.monotonic() < deadline, sh("docker", "logs", lab.pg).stderr
            time.sleep(0.3)
        lab.psql("CREATE ROLE odoo LOGIN CREATEDB PASSWORD 'opw'", db="postgres")
        lab.psql("CREATE ROLE boss LOGIN SUPERUSER PASSWORD 'opw'", db="postgres")
        yield lab
    finally:
        for name in lab.started:
            sh("docker", "rm", "-f", "-v", name, check=False)
        sh("docker", "network", "rm", net, check=False)


@pytest.fixture(scope="module")
def initialized(lab: Lab) -> subprocess.CompletedProcess[str]:
    """`odoo -d tenant -i base --stop-after-init`, as the migrate service runs it."""
    return lab.odoo("odoo-17", "-d", DB, "-i", "base", "--stop-after-init")[1]


def test_init_creates_database_and_tables(lab: Lab, initialized) -> None:
    assert initialized.returncode == 0, initialized.stderr
    tables = "ir_module_module ir_attachment ir_config_parameter lab_cron_heartbeat"
    wanted = ",".join(f"'{t}'" for t in tables.split())
    assert lab.psql(f"SELECT count(*) FROM pg_tables WHERE tablename IN ({wanted})") == "4"
    assert lab.psql("SELECT state FROM ir_module_module WHERE name = 'base'") == "installed"
    assert (
        lab.psql(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        )
        == "odoo"
    )
    _, upd = lab.odoo("odoo-17", "-d", DB, "-u", "base,web", "--stop-after-init")
    assert upd.returncode == 0, upd.stderr
    assert lab.psql("SELECT modules FROM lab_module_update") == "base,web"


@pytest.mark.parametrize(("user", "password"), [("postgres", "superpw"), ("boss", "opw")])
def test_superuser_refused(lab: Lab, user: str, password: str) -> None:
    conf = {"db_user": user, "db_password": password}
    _, proc = lab.odoo("odoo-17", "--stop-after-init", conf=conf)
    assert proc.returncode == 1
    assert f"Using the database user '{user}' is a security risk, aborting." in proc.stderr


@pytest.mark.parametrize(
    ("image", "args", "conf", "refused"),
    [
        ("odoo-15", (), {"gevent_port": "8072"}, "unknown option 'gevent_port'"),
        ("odoo", (), {"longpolling_port": "8072"}, "unknown option 'longpolling_port'"),
        ("odoo", ("--longpolling-port", "8072"), {}, "no such option: --longpolling-port"),
        ("odoo-16", (), {"db_replica_host": "db"}, "unknown option 'db_replica_host'"),
        ("odoo-15", (), {"longpolling_port": "8072", "xmlrpc_port": "8069"}, None),
        ("odoo", (), {"gevent_port": "8072", "db_replica_host": "db"}, None),
    ],
)
def test_options_checked_against_the_version(lab: Lab, image, args, conf, refused) -> None:
    _, proc = lab.odoo(image, *args, "--stop-after-init", conf=conf)
    if refused is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode != 0 and refused in proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def web(lab: Lab, initialized) -> str:
    """The web service as the role renders it: prefork, proxy mode, TLS, Redis sessions."""
    conf = {
        "db_name": DB,
        "dbfilter": f"^{DB}$",
        "workers": "3",
        "max_cron_threads": "0",
        "list_db": "False",
        "proxy_mode": "True",
        "db_sslmode": "verify-full",
        "gevent_port": "8072",
    }
    # As the odoo role: an ACL user confined to its prefix, named in the URL form (a
    # bare ODOO_SESSION_REDIS_PASSWORD would log in as `default`).
    acl = ("on", ">upw", f"~session:{PREFIX}:*", "-@all", "+@connection", "+get", "+set")
    redis_cli(lab, "acl", "setuser", "tenant", *acl)
    env = {
        "ODOO_SESSION_REDIS": "1",
        "ODOO_SESSION_REDIS_URL": "redis://tenant:upw@redis:6379/0",
        "ODOO_SESSION_REDIS_PREFIX": PREFIX,
        "ODOO_SESSION_REDIS_EXPIRATION": "3600",
    }
    name = lab.serve("odoo-17", conf=conf, env=env)
    wait_health(name, 8072)
    return name


def test_prefork_processes_and_user(web: str) -> None:
    top = sh("docker", "top", web, "-eo", "pid,args").stdout.splitlines()[1:]
    titles = [line.split(None, 1)[1] for line in top]
    assert sum(t.startswith("odoo: WorkerHTTP") for t in titles) == 3, titles
    assert sum("/usr/bin/odoo gevent" in t for t in titles) == 1, titles
    assert not any("WorkerCron" in t for t in titles)
    assert sh("docker", "exec", web, "stat", "-c", "%u", "/proc/1").stdout.strip() == "101"


def test_health_without_session_on_both_ports(web: str) -> None:
    for port in (8069, 8072):
        status, headers, body = request(ip_of(web), "/web/health", port)
        assert (status, body) == (200, b'{"status": "pass"}')
        assert headers.get("Set-Cookie") is None


def test_websocket_only_on_the_gevent_port(web: str) -> None:
    assert websocket_upgrade(ip_of(web), 8072, "/websocket") == (101, "ok")
    assert websocket_upgrade(ip_of(web), 8069, "/websocket")[0] == 400


def test_database_manager_refused(web: str) -> None:
    for path in ("/web/database/manager", "/web/database/selector", "/web/database/list"):
        assert request(ip_of(web), path)[0] == 404


def redis_cli(lab: Lab, *args: str) -> str:
    cli = ("docker", "exec", lab.redis, "redis-cli", "-a", "rpw", "--no-auth-warning")
    return sh(*cli, *args).stdout.strip()


def login(ip: str) -> str:
    """POST /web/login; the session id from the cookie."""
    status, headers, _ = request(
        ip,
        "/web/login",
        method="POST",
        body=b"login=admin&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 303
    return headers["Set-Cookie"].split(";")[0].removeprefix("session_id=")


def test_login_session_in_redis(lab: Lab, web: str) -> None:
    sid = login(ip_of(web))
    assert redis_cli(lab, "exists", f"session:{PREFIX}:{sid}") == "1"
    assert 3000 < int(redis_cli(lab, "ttl", f"session:{PREFIX}:{sid}")) <= 3600


def test_login_session_in_redis_with_host_and_password(lab: Lab, initialized) -> None:
    """The contract's other form: _HOST, _PORT, _PASSWORD (AUTH as `default`)."""
    env = {
        "ODOO_SESSION_REDIS": "1",
        "ODOO_SESSION_REDIS_HOST": "redis",
        "ODOO_SESSION_REDIS_PASSWORD": "rpw",
    }
    name = lab.serve("odoo-17", conf={"db_name": DB, "max_cron_threads": "0"}, env=env)
    sid = login(ip_of(name))
    assert redis_cli(lab, "exists", f"session:{sid}") == "1"


def test_proxy_mode_honours_forwarded_headers(web: str) -> None:
    fwd = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    fwd["X-Forwarded-Host"] = "erp.example.com"
    status, _, body = request(ip_of(web), "/lab/request", headers=fwd)
    assert status == 200
    assert b'"remote_addr": "203.0.113.7", "scheme": "https", "host": "erp.example.com"' in body


def test_attachment_in_filestore(web: str) -> None:
    status, _, body = request(
        ip_of(web), "/web/binary/upload_attachment?name=a.txt", method="POST", body=b"hello"
    )
    assert status == 200, body
    sha = hashlib.sha1(b"hello").hexdigest()
    path = f"/var/lib/odoo/filestore/{DB}/{sha[:2]}/{sha}"
    assert sh("docker", "exec", web, "cat", path).stdout == "hello"
    assert sh("docker", "exec", web, "stat", "-c", "%u", path).stdout.strip() == "101"


def held_connections(lab: Lab, ip: str, seconds: float, parallel: int) -> tuple[list[int], str]:
    """Fire `parallel` requests each holding a connection for `seconds`; return the
    connection counts PostgreSQL saw from that container meanwhile, and their ssl."""
    threads = [
        threading.Thread(target=request, args=(ip, f"/lab/request?sleep={seconds}"))
        for _ in range(parallel)
    ]
    for t in threads:
        t.start()
    sql = (
        "SELECT count(*), coalesce(bool_and(s.ssl), false) FROM pg_stat_activity a "
        "JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'odoo' "
        f"AND a.application_name LIKE 'odoo-%' AND a.client_addr = '{ip}'"
    )
    counts, ssl = [], ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n, s = lab.psql(sql).split("|")
        counts.append(int(n))
        ssl = s if int(n) else ssl
        time.sleep(0.1)
    for t in threads:
        t.join()
    return counts, ssl


def test_connections_use_verified_tls(lab: Lab, web: str) -> None:
    counts, ssl = held_connections(lab, ip_of(web), 1.5, 2)
    assert max(counts) >= 1 and ssl == "t"
    # verify-full checks the host name: the server's address is not in its certificate.
    pg_ip = ip_of(lab.pg)
    conf = {"db_host": pg_ip, "db_sslmode": "verify-full"}
    _, proc = lab.odoo("odoo-17", "--stop-after-init", conf=conf)
    assert proc.returncode != 0 and "does not match host name" in proc.stderr, proc.stderr
    _, proc = lab.odoo("odoo-17", "--stop-after-init", conf={**conf, "db_sslmode": "require"})
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def threaded(lab: Lab, initialized) -> str:
    """workers = 0: one threaded process; db_maxconn 2; sessions in data_dir."""
    conf = {"db_name": DB, "workers": "0", "max_cron_threads": "0", "db_maxconn": "2"}
    return lab.serve("odoo-17", conf=conf)


def test_db_maxconn_per_process(lab: Lab, threaded: str) -> None:
    counts, _ = held_connections(lab, ip_of(threaded), 2.0, 6)
    assert max(counts) == 2, counts


def test_threaded_server_without_proxy_mode(threaded: str) -> None:
    ip = ip_of(threaded)
    status, _, body = request(ip, "/lab/request", headers={"X-Forwarded-For": "203.0.113.7"})
    assert status == 200 and b"203.0.113.7" not in body
    # Without workers Odoo serves the websocket on the HTTP port.
    assert websocket_upgrade(ip, 8069, "/websocket") == (101, "ok")
    # Without list_db = False the database manager is there.
    assert request(ip, "/web/database/manager")[0] == 200


def test_login_session_in_data_dir(threaded: str) -> None:
    _, headers, _ = request(ip_of(threaded), "/web/login")
    sid = headers["Set-Cookie"].split(";")[0].removeprefix("session_id=")
    assert len(sid) == 84
    path = f"/var/lib/odoo/sessions/{sid[:2]}/{sid}"
    assert sh("docker", "exec", threaded, "test", "-f", path, check=False).returncode == 0


@pytest.mark.parametrize("workers", ["0", "2"])
def test_cron_heartbeats_without_http(lab: Lab, initialized, workers: str) -> None:
    """The cron service: same odoo.conf as web, HTTP off. workers = 0 gives cron
    threads in one process; workers > 0 gives one WorkerCron process per cron thread
    and neither HTTP workers nor the gevent process."""
    since = lab.psql("SELECT now() at time zone 'UTC'")
    name, proc = lab.odoo(
        "odoo-17",
        *("-c", "/etc/odoo/odoo.conf", "-d", DB, "--no-http", "--max-cron-threads", "2"),
        conf={"workers": workers},
        env={"ODOO_LAB_CRON_INTERVAL": "0.5"},
        detach=True,
    )
    try:
        assert proc.returncode == 0, proc.stderr
        sql = (
            "SELECT count(DISTINCT (pid, thread)) FROM lab_cron_heartbeat "
            f"WHERE create_date > '{since}'"
        )
        deadline = time.monotonic() + 15
        while lab.psql(sql) != "2":
            assert time.monotonic() < deadline, sh("docker", "logs", name).stderr
            time.sleep(0.3)
        with pytest.raises(OSError):
            request(ip_of(name), "/web/health")
        top = sh("docker", "top", name, "-eo", "pid,args").stdout.splitlines()[1:]
        titles = [line.split(None, 1)[1] for line in top]
        crons = sum(t.startswith("odoo: WorkerCron") for t in titles)
        assert crons == (2 if workers != "0" else 0), titles
        assert not any("WorkerHTTP" in t or " gevent " in t for t in titles), titles
    finally:
        # Its heartbeats must not count for the next case.
        sh("docker", "rm", "-f", name, check=False)


@pytest.mark.parametrize(
    ("image", "conf", "port", "path", "other"),
    [
        ("odoo-15", {"longpolling_port": "8072"}, 8072, "/longpolling/poll", "/websocket"),
        ("odoo-16", {}, 8072, "/websocket", "/longpolling/poll"),
        # 16/17: a non-zero longpolling_port is still honoured as gevent_port's alias.
        ("odoo-17", {"longpolling_port": "8073"}, 8073, "/websocket", "/longpolling/poll"),
        ("odoo", {"gevent_port": "8074"}, 8074, "/websocket", "/longpolling/poll"),
    ],
)
def test_websocket_route_per_version(lab: Lab, image, conf, port, path, other) -> None:
    name = lab.serve(image, conf={"workers": "1", "max_cron_threads": "0", **conf})
    wait_health(name, port)
    ip = ip_of(name)
    if path == "/websocket":
        assert websocket_upgrade(ip, port, path) == (101, "ok")
    else:
        # Odoo 15's bus is long-polled over HTTP: no upgrade.
        status, _, body = request(
            ip, path, port, "POST", b"{}", {"Content-Type": "application/json"}
        )
        assert status == 200 and b'"result": []' in body
    assert request(ip, other, port)[0] == 404
    # PID 1 handles SIGTERM: `docker stop` ends master, workers and gevent at once.
    started = time.monotonic()
    sh("docker", "stop", "-t", "8", name)
    assert time.monotonic() - started < 4
    assert sh("docker", "inspect", "-f", "{{.State.ExitCode}}", name).stdout.strip() == "0"
