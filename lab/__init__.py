"""The local lab: VM images, the lab registry and lab fleets.

This package is the only code in the project that knows the lab exists. Roles see lab
VMs as ordinary Debian hosts reached over the `community.docker.docker` connection,
and pull service images from the lab registry through the same `docker compose pull`
code path they use against a public registry in production.
"""
