"""Run a playbook of this repository through ansible-runner, with a progress display
built from runner's events and the run's artifacts kept under .cache/runs/<customer>/.

The vault password never enters runner's files: ansible-playbook gets the *path* of
the password file (--vault-password-file), which runner records in env/cmdline.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tenantctl.tenant import ROOT, Tenant

RUNS = ROOT / ".cache" / "runs"
# Event names ansible-runner emits per host result.
HOST_RESULTS = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_unreachable": "unreachable",
    "runner_on_skipped": "skipped",
}


@dataclass
class RunResult:
    """What a run produced: its exit code, per-host stats, kept artifacts, events."""

    rc: int
    status: str
    artifacts: Path
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def reports(self, task: str) -> dict[str, Any]:
        """Host -> the `msg` a debug task of that name returned (plan, status)."""
        return {
            r["host"]: (r.get("res") or {}).get("msg") or {}
            for r in self.results
            if r.get("task") == task
        }


class Progress:
    """Current play and task, per-host outcomes and elapsed time, from runner events.

    On a terminal the current task is one line rewritten in place; otherwise (CI,
    logs) each task start is one line, so the output stays readable in a file.
    """

    def __init__(self, out: TextIO, quiet: bool = False) -> None:
        self.out = out
        self.quiet = quiet
        self.tty = out.isatty()
        self.start = time.monotonic()
        self.play = ""
        self.task = ""
        self.hosts: dict[str, str] = {}

    def _elapsed(self) -> str:
        seconds = int(time.monotonic() - self.start)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"

    def _line(self, text: str, *, final: bool) -> None:
        if self.quiet:
            return
        if self.tty:
            width = os.get_terminal_size(self.out.fileno()).columns - 1
            self.out.write("\r\x1b[K" + text[:width] + ("\n" if final else ""))
        elif final:
            self.out.write(text + "\n")
        self.out.flush()

    def _status(self) -> str:
        hosts = " ".join(f"{h}:{s}" for h, s in sorted(self.hosts.items()))
        return f"[{self._elapsed()}] {self.play} | {self.task} | {hosts}"

    def event(self, event: dict[str, Any]) -> None:
        kind = event.get("event", "")
        data = event.get("event_data", {})
        if kind == "playbook_on_play_start":
            self.play = data.get("play", "")
            self.hosts = {}
            self._line(f"[{self._elapsed()}] PLAY {self.play}", final=True)
        elif kind == "playbook_on_task_start":
            self.task = data.get("task", "")
            self.hosts = dict.fromkeys(self.hosts, "...")
            if self.tty:
                self._line(self._status(), final=False)
            else:
                self._line(f"[{self._elapsed()}] {self.play} | {self.task}", final=True)
        elif kind in HOST_RESULTS:
            host = data.get("host", "?")
            outcome = HOST_RESULTS[kind]
            if outcome == "ok" and data.get("res", {}).get("changed"):
                outcome = "changed"
            if data.get("ignore_errors") and outcome == "failed":
                outcome = "ignored"
            self.hosts[host] = outcome
            if outcome in ("failed", "unreachable"):
                self._line(f"[{self._elapsed()}] {host}: {outcome}: {self.task}", final=True)
            elif self.tty:
                self._line(self._status(), final=False)
            elif outcome == "changed":
                self._line(f"          {host}: changed", final=True)

    def done(self) -> None:
        if self.tty and not self.quiet:
            self.out.write("\r\x1b[K")
            self.out.flush()


def _message(data: dict[str, Any]) -> str:
    res = data.get("res", {}) or {}
    text = res.get("msg") or res.get("stderr") or res.get("reason") or ""
    return " ".join(str(text).split())[:600]


def run_playbook(
    tenant: Tenant,
    playbook: str,
    *,
    kind: str,
    tags: Sequence[str] = (),
    check: bool = False,
    limit: str | None = None,
    extravars: dict[str, Any] | None = None,
    quiet: bool = False,
    out: TextIO = sys.stderr,
) -> RunResult:
    """Run playbooks/<playbook> against the tenant; artifacts stay for support."""
    import ansible_runner

    private = RUNS / tenant.name
    private.mkdir(parents=True, exist_ok=True)
    # Events hold hosts' answers (never no_log ones): keep them to the operator.
    for path in (RUNS, private):
        path.chmod(0o700)
    ident = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{kind}"
    cmdline = ["--vault-password-file", str(tenant.password_file)]
    if check:
        cmdline += ["--check", "--diff"]
    progress = Progress(out, quiet=quiet)
    result = RunResult(rc=-1, status="", artifacts=private / "artifacts" / ident)

    def handler(event: dict[str, Any]) -> bool:
        progress.event(event)
        data = event.get("event_data", {})
        kind_ = event.get("event", "")
        if kind_ == "runner_on_ok":
            result.results.append(data)
        elif kind_ in ("runner_on_failed", "runner_on_unreachable") and not data.get(
            "ignore_errors"
        ):
            result.failures.append(f"{data.get('host')}: {data.get('task')}: {_message(data)}")
        elif kind_ == "playbook_on_stats":
            for key in ("ok", "changed", "failures", "dark", "skipped", "rescued", "ignored"):
                for host, count in (data.get(key) or {}).items():
                    result.stats.setdefault(host, {})[key] = count
        return True

    bindir = str(Path(sys.executable).parent)
    runner = ansible_runner.run(
        private_data_dir=str(private),
        project_dir=str(ROOT),
        playbook=str(ROOT / "playbooks" / playbook),
        inventory=str(tenant.hosts_file),
        ident=ident,
        cmdline=" ".join(cmdline),
        tags=",".join(tags) if tags else None,
        limit=limit,
        extravars=extravars or {},
        # ansible-runner runs whichever ansible-playbook is first on PATH: ours.
        envvars={
            "PATH": f"{bindir}:{os.environ.get('PATH', '')}",
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            # One exec per task instead of copy + chmod + exec + remove: a no-change
            # `site.yml --tags base` on a lab VM took 15-21 s with it, 31-34 s without.
            # Not in ansible.cfg: through community.docker.docker a missing container
            # then fails its task instead of being reported unreachable, which the
            # bad-input tests (and operators reading a recap) rely on; over SSH an
            # unreachable host is reported as such either way.
            "ANSIBLE_PIPELINING": "True",
            "ANSIBLE_FORCE_COLOR": "0",
        },
        quiet=True,
        event_handler=handler,
        rotate_artifacts=50,
    )
    progress.done()
    result.rc = int(runner.rc if runner.rc is not None else 1)
    result.status = str(runner.status)
    return result


def summary(result: RunResult, started: float) -> str:
    """Per-host table of the run plus where its artifacts are."""
    lines = [f"{'host':<28} {'ok':>4} {'changed':>8} {'failed':>7} {'unreach':>8} {'skipped':>8}"]
    for host, s in sorted(result.stats.items()):
        lines.append(
            f"{host:<28} {s.get('ok', 0):>4} {s.get('changed', 0):>8} {s.get('failures', 0):>7}"
            f" {s.get('dark', 0):>8} {s.get('skipped', 0):>8}"
        )
    lines += [f"failed: {line}" for line in result.failures]
    elapsed = time.monotonic() - started
    lines.append(
        f"{result.status} (ansible-playbook exit {result.rc}) in {elapsed:.0f}s;"
        f" artifacts: {result.artifacts}"
    )
    return "\n".join(lines)
