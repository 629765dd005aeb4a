#!/usr/bin/env bash
# The main job on the embedded default: bring a lab VM up and converge the tenant
# roles on it (so far base + docker). Re-running it changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
fleet=${1:-lab-demo}

inventory=$(lab up "$fleet" --vms 1)
ansible-playbook -i "$inventory" playbooks/site.yml

cat <<MSG

Done. Where to look:
  inventory      $inventory
  shell on VM    docker exec -it $fleet-1 bash
  its engine     docker exec $fleet-1 docker info
  re-run         ansible-playbook -i $inventory playbooks/site.yml   (changed=0)
  tear down      .venv/bin/lab down $fleet
MSG
