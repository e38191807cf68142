#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: lint, unit, functional, integration.
# Needs root for apt-get (libvirt, QEMU, tgt) and the local RabbitMQ, MariaDB and
# PostgreSQL services that our machines run.
set -euo pipefail
cd "$(dirname "$0")/.."

# openssh-server only for its sshd binary: the rsync transfer test runs sshds of its
# own inside its namespaces (where init starts services, the package also starts one).
packages=(libvirt-daemon-system libvirt-clients libvirt-dev pkg-config gcc qemu-system-x86
          qemu-utils qemu-block-extra busybox-static iproute2 cpio syslinux syslinux-common
          mtools dosfstools tgt qemu-guest-agent openssh-server rsync)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# The test guest's kernel comes from Debian's archive too, so the lists must be fresh.
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The console test's browser; without recommends it is 370 MB, not 1 GB.
dpkg -s chromium >/dev/null 2>&1 || \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test,libvirt,keystone,clients]'
# Keystone for tests/integration/keystone is installed on first use into its own
# virtualenv under ${NOVALITE_CACHE:-~/.cache/novalite}, and reused after that.

.venv/bin/ruff check novalite tests bench
# Unit and functional tests on both cores. Then the integration tests, which
# start daemons, libvirtd and tgtd of their own (private names, ports, vhosts
# and databases): two modules at a time, each module's cloud on one worker;
# last, alone, the tests of either layer marked serial, whose deadlines a busy
# machine distorts.
.venv/bin/python -m pytest -q -p no:cacheprovider -m "not integration and not serial" \
    -n 2 tests "$@"
.venv/bin/python -m pytest -q -p no:cacheprovider -m "integration and not serial" \
    -n 2 --dist loadfile tests "$@"
.venv/bin/python -m pytest -q -p no:cacheprovider -m serial tests "$@"
