"""The single exception type of the Traefik routing core."""


class TraefikConfigError(ValueError):
    """Bad routing input.

    The message names each offending variable (``traefik_domains: ...``) so that
    the filter plugin can re-raise it as AnsibleFilterError and an operator knows
    which inventory value to fix.
    """
