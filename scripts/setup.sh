#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, and nothing twice:
# Debian's Docker engine and debootstrap, the project's venv (.venv), a running dockerd.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
if ((${#need[@]})); then
  echo "setup: installing ${need[*]} from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The venv is rebuilt only when the pinned dependencies change.
stamp=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.stamp 2>/dev/null)" != "$stamp" ]; then
  echo "setup: creating .venv (pinned tools from pyproject.toml)" >&2
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip 2>/dev/null
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test]' 2>&1 \
    | grep -v "^WARNING: Location" || true
  .venv/bin/python -c 'import ansible, molecule, testinfra, tenant_sizing, lab' \
    || { echo "setup: the venv is incomplete" >&2; exit 1; }
  echo "$stamp" >.venv/.stamp
fi

.venv/bin/lab engine
