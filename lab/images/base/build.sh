#!/usr/bin/env bash
# Builds the Debian 13 (trixie) root filesystem every lab image starts from.
# Debian packages only: no image registry is reachable on our machines.
# Usage: build.sh ROOTDIR MIRROR
set -euo pipefail
root=$1 mirror=$2
debootstrap --variant=minbase --include=ca-certificates trixie "$root" "$mirror" >/dev/null
# debootstrap writes a one-line sources.list; write the deb822 form apt uses today.
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
# Keep images small and builds reproducible: no docs, no cached package lists.
cat >"$root/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
  >"$root/etc/apt/apt.conf.d/01-norecommends"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
