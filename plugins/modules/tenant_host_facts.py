#!/usr/bin/python
"""Ansible module: CPUs, memory, storage class and data volume size of a host."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tenant_host_facts
short_description: Hardware facts for the Odoo Tenant Kit sizing engine
description:
  - Returns the CPUs and memory this host can really use, honouring cgroup v2
    (cpu.max, memory.max) and cgroup v1 (CFS quota, memory.limit_in_bytes) limits
    over /proc, the storage class (nvme, ssd, hdd) of the volume holding I(path)
    from /sys/block/*/queue/rotational and the device name, and that volume's size.
  - Read-only; safe in check mode.
options:
  path:
    description: A path on the volume that will hold PostgreSQL data (need not exist yet).
    type: path
    default: /
  storage_class:
    description: Override the detected storage class (inventory knows better on some clouds).
    type: str
    choices: [nvme, ssd, san, hdd]
author: Odoo Tenant Kit
"""

EXAMPLES = r"""
- name: Gather sizing facts
  tenant_host_facts:
    path: /srv/tenant/postgresql
    storage_class: "{{ tenant_storage_class | default(omit) }}"
"""

RETURN = r"""
ansible_facts:
  description: Facts under C(tenant_host).
  returned: always
  type: dict
  contains:
    tenant_host:
      description: cpus (float), memory_mb (int), storage_class, data_volume_gb (int),
        device, path and sources (where each value came from).
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402 (after DOCUMENTATION)
from ansible.module_utils.tenant_sizing.hostfacts import gather  # noqa: E402


def main() -> None:
    """Gather the facts; never changes anything."""
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "default": "/"},
            "storage_class": {"type": "str", "choices": ["nvme", "ssd", "san", "hdd"]},
        },
        supports_check_mode=True,
    )
    try:
        facts = gather(module.params["path"], module.params["storage_class"])
    except OSError as exc:
        module.fail_json(msg=f"cannot read host facts: {exc}")
    module.exit_json(changed=False, ansible_facts={"tenant_host": facts})


if __name__ == "__main__":
    main()
