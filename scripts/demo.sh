#!/usr/bin/env bash
# The main job on the embedded default: bring up three lab VMs and deploy an
# example-like tenant to them with tenantctl (app host, PostgreSQL primary, streaming
# replica), then show its status. Re-running it reuses the VMs and the tenant and
# changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
fleet=${1:-lab-demo}
customer=${2:-demo}
# The demo tenant's inventory lives outside the repository's tracked tree (.cache is
# ignored); its vault password beside it, 0600. A real customer's goes in inventories/.
export TENANTCTL_INVENTORIES="$PWD/.cache/tenants"
password_file="$TENANTCTL_INVENTORIES/$customer.vault-password"

inventory=$(tenantctl lab up "$fleet" --vms 3 --memory 4g)
if [ ! -d "$TENANTCTL_INVENTORIES/$customer" ]; then
  tenantctl new "$customer" --hosts-from "$inventory" --domain "erp.$customer.example" \
    --vault-password-file "$password_file"
fi
tenantctl deploy "$customer" --vault-password-file "$password_file"
tenantctl status "$customer" --vault-password-file "$password_file"

# --hosts-from gives the fleet's first VM the app role.
app_ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$fleet-1")
cat <<MSG

Done. Where to look:
  tenant inventory  $TENANTCTL_INVENTORIES/$customer/ (vault: group_vars/all/vault.yml)
  vault password    $password_file
  run artifacts     .cache/runs/$customer/artifacts/ (events, stdout of each run)
  credentials, CA   ~/.odoo-tenant-kit/$customer/
  Odoo (lab stand-in) curl http://$app_ip:8069/web/health   (Traefik: rendered, not run in the lab)
  shell on a VM     docker exec -it $fleet-1 bash     (1 app, 2 primary, 3 replica)
  again             export TENANTCTL_INVENTORIES=$TENANTCTL_INVENTORIES
                    tenantctl plan $customer --vault-password-file $password_file
                    tenantctl deploy $customer --vault-password-file $password_file   (changed=0)
  tear down         tenantctl lab down $fleet; rm -r $TENANTCTL_INVENTORIES/$customer
MSG
