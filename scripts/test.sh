#!/usr/bin/env bash
# The whole suite: linters, then pytest (unit, render, bad input, lab image contracts,
# every Molecule scenario on lab VMs). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
# Wall time per step, so a cold run (images built) and a warm one can be compared.
step() { printf '\n=== %s (at %ss)\n' "$*" "$SECONDS"; }
step "setup"; scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

step "ruff";         ruff check . && ruff format --check .
step "yamllint";     yamllint --strict .
step "ansible-lint"; ansible-lint --offline -q
step "lab images";   lab build >/dev/null

step "pytest"
set +e
pytest "$@"
rc=$?
set -e
step "done, pytest exit $rc"
if [ "$rc" -eq 5 ]; then
  echo "test: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$rc"
