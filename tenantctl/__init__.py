"""tenantctl: thin commands over ansible-runner and the sizing core."""

__version__ = "0.1.0"
