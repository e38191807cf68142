"""Build the tiny real guest the libvirt integration tests and benchmark boot.

No internet is needed: the kernel comes out of Debian's cloud kernel package
(``apt-get download`` + ``dpkg-deb -x``, nothing is installed on the host)
and userspace is the host's ``busybox-static`` in a gzip'd cpio initramfs.
The guest's ``/init`` loads the virtio, IDE cdrom and isofs modules, mounts
the config drive (label ``config-2``), prints what it finds on ttyS0 as
``NOVALITE-GUEST key=value`` markers, configures eth0 from
``network_data.json``, pings the gateway, runs ``user_data`` that is a ``#!/bin/sh`` script in the
background and powers off on the ACPI power button, so soft reboot and clean shutdown work for real.

The guest also runs Debian's ``qemu-ga`` (the host's ``qemu-guest-agent``
package: the binary and every library ``ldd`` names are copied in) on the
``org.qemu.guest_agent.0`` port when the domain has that channel, with a
``chpasswd`` of its own (busybox has none) so libvirt's ``setUserPassword``
works; it prints root's ``/etc/shadow`` line whenever it changes. It marks a
blank boot disk (``vda``) with ``NOVALITE-ROOT from <hostname>`` and prints
the mark of one already marked, so a rescue (rescue disk first, the server's
own disk second) shows which disk booted and which it sees.

Two boot flavours are produced:

* ``vmlinuz`` + ``initrd.gz`` for direct kernel boot (aki/ari images), and
* ``disk.raw``: a FAT "superfloppy" carrying syslinux, the same kernel and
  initrd, bootable by SeaBIOS from a virtio disk (needs Debian's ``syslinux``,
  ``syslinux-common``, ``mtools`` and ``dosfstools``).

Results are cached in ``~/.cache/novalite/guest/<kernel version>-<digest>``
(the digest covers this file, so editing the init script rebuilds), which
makes reruns instant; builds of other digests are removed once unused for a
day (another checkout may be testing on one). Run ``python tests/guest/build.py`` to build and print
the paths.
"""

import contextlib
import fcntl
import gzip
import hashlib
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

KERNEL_META_PACKAGE = 'linux-image-cloud-amd64'
BUSYBOX = '/bin/busybox'
SYSLINUX_BIOS = '/usr/lib/syslinux/modules/bios'
CACHE_ROOT = pathlib.Path(os.environ.get('NOVALITE_GUEST_CACHE',
                                         pathlib.Path.home() / '.cache/novalite/guest'))
MARKER = 'NOVALITE-GUEST'
VOLUME_MARKER = 'NOVALITE-VOLUME'
ROOT_MARKER = 'NOVALITE-ROOT'
QEMU_GA = '/usr/sbin/qemu-ga'
UNUSED_FOR = 24 * 3600
AGENT_PORT = 'org.qemu.guest_agent.0'
CMDLINE = 'console=ttyS0 quiet'

# Load order matters: insmod has no dependency resolution, so the builder
# expands this list with modules.dep and orders dependencies first.
MODULES = ['virtio_pci', 'virtio_blk', 'virtio_net', 'virtio_scsi', 'ata_piix',
           'sr_mod', 'isofs', 'button', 'evdev', 'virtio_console']

INIT_SCRIPT = r'''#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /etc/modules); do insmod /lib/modules/$m 2>/dev/null; done
say() { echo "@MARKER@ $*" > /dev/ttyS0; }
say boot
# The guest agent, when the domain has its channel. No udev here: the port
# is found by name in sysfs and linked where qemu-ga looks.
agent=""
for i in $(seq 1 10); do
  for n in /sys/class/virtio-ports/*; do
    [ "$(cat $n/name 2>/dev/null)" = @AGENT_PORT@ ] && agent=${n##*/}
  done
  [ -n "$agent" ] && break
  sleep 0.2
done
if [ -n "$agent" ]; then
  mkdir -p /dev/virtio-ports /run
  ln -sf /dev/$agent /dev/virtio-ports/@AGENT_PORT@
  @QEMU_GA@ -d -m virtio-serial -p /dev/virtio-ports/@AGENT_PORT@ -t /run \
    -f /run/qemu-ga.pid -l /run/qemu-ga.log && say "agent=started" \
    || { say "agent=failed"; cat /run/qemu-ga.log > /dev/ttyS0; }
fi
# The power button (libvirt's ACPI shutdown) powers off cleanly: busybox
# acpid runs <confdir>/PWRF/00000080 for it.
mkdir -p /etc/acpi/PWRF
printf '#!/bin/sh\necho "@MARKER@ acpi=poweroff" > /dev/ttyS0\npoweroff -f\n' \
  > /etc/acpi/PWRF/00000080
chmod +x /etc/acpi/PWRF/00000080
acpid -c /etc/acpi -l /dev/null
# First value of a string key in a one-line JSON file (no jq in busybox).
field() { tr ',{}' '\n\n\n' < "$2" | sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -n 1; }
dev=""
for i in $(seq 1 50); do
  dev=$(findfs LABEL=config-2 2>/dev/null) && break
  sleep 0.2
done
if [ -n "$dev" ] && mount -t iso9660 -o ro "$dev" /mnt; then
  d=/mnt/openstack/latest
  say "hostname=$(field hostname $d/meta_data.json)"
  say "name=$(field name $d/meta_data.json)"
  hostname "$(field hostname $d/meta_data.json)"
  key=$(sed -n 's/.*"public_keys": *{"[^"]*": *"\([^"]*\)".*/\1/p' $d/meta_data.json)
  say "public_key=$key"
  [ -f $d/user_data ] && say "user_data=$(head -n 1 $d/user_data)"
  # user_data that is a shell script runs once the guest is ready (tests
  # use it to ping, dirty memory or mark disks); it sees $gw.
  head -n 1 $d/user_data 2>/dev/null | grep -q '^#!/bin/sh' && cp $d/user_data /tmp/user-script
  ip=$(field ip_address $d/network_data.json)
  mask=$(field netmask $d/network_data.json)
  gw=$(field gateway $d/network_data.json)
  say "ip=$ip"
  if [ -n "$ip" ]; then
    eval $(ipcalc -p "$ip" "$mask")
    ip link set eth0 up
    ip addr add "$ip/$PREFIX" dev eth0
    ok=fail
    for i in $(seq 1 15); do
      ping -c 1 -W 1 "$gw" > /dev/null 2>&1 && ok=ok && break
      sleep 1
    done
    say "ping=$ok"
    # On failure, show why: the interface and the last ping's complaint.
    [ $ok = ok ] || { ip addr; ip route; ping -c 1 -W 1 "$gw"; } > /dev/ttyS0 2>&1
  fi
else
  say "config_drive=missing"
fi
# The root disk: a blank one gets a mark naming this guest; one that has a
# mark (a snapshot of another guest's disk, a rescue image) shows it.
mark=$(dd if=/dev/vda bs=64 count=1 2>/dev/null | tr -d '\000' | head -n 1)
case "$mark" in
  "") [ -e /dev/vda ] && echo "@ROOT@ from $(hostname)" | dd of=/dev/vda conv=fsync 2>/dev/null \
        && say "root wrote=@ROOT@ from $(hostname)" ;;
  NOVALITE-*) say "root has=$mark" ;;
  *) say "root has=other" ;;
esac
say ready
[ -f /tmp/user-script ] && gw="$gw" sh /tmp/user-script > /dev/null 2>&1 &
# Volumes: each disk that appears after boot (vdb on) is read; a blank one
# gets a marker naming this guest, so a second guest can read it back. A
# disk with other content (a rescued server's own disk) is only read. Each
# line ends with the disk's serial (the first 20 characters of its volume
# id), so a test waits for the line of the volume it attached, never an
# earlier one; the marker's second line keeps the serial of the disk it
# was written on, shown as on=, so a mark read back says which volume it
# was written on.
seen=""
shadow=""
while true; do
  line=$(grep '^root:' /etc/shadow)
  [ "$line" != "$shadow" ] && shadow=$line && say "shadow=$line"
  for b in /sys/block/vd[b-z]; do
    [ -e "$b" ] || continue
    d=${b##*/}
    case " $seen " in *" $d "*) continue;; esac
    seen="$seen $d"
    serial=$(cat $b/serial 2>/dev/null)
    eval "serial_$d=\$serial"
    head=$(dd if=/dev/$d bs=128 count=1 2>/dev/null | tr -d '\000')
    mark=$(echo "$head" | head -n 1)
    case "$mark" in
      "") printf '%s\non=%s\n' "@VOLUME@ from $(hostname)" "$serial" \
            | dd of=/dev/$d conv=fsync 2>/dev/null
          say "disk $d wrote=@VOLUME@ from $(hostname) serial=$serial" ;;
      NOVALITE-*) say "disk $d has=$mark $(echo "$head" | sed -n 2p) serial=$serial" ;;
      *) say "disk $d has=other serial=$serial" ;;
    esac
  done
  for d in $seen; do
    [ -e /sys/block/$d ] && continue
    seen=$(echo " $seen " | sed "s/ $d / /")
    eval "say \"disk $d gone serial=\$serial_$d\""
  done
  sleep 1
done
'''.replace('@MARKER@', MARKER).replace('@VOLUME@', VOLUME_MARKER).replace(
    '@ROOT@', ROOT_MARKER).replace('@AGENT_PORT@', AGENT_PORT).replace('@QEMU_GA@', QEMU_GA)

# qemu-ga's guest-set-user-password pipes ``user:password`` into
# ``chpasswd`` (``-e``: the password is already a crypt hash).
CHPASSWD = r'''#!/bin/sh
crypted=no
[ "$1" = "-e" ] && crypted=yes
IFS= read -r line
user=${line%%:*}
password=${line#*:}
if [ $crypted = yes ]; then hash=$password; else hash=$(mkpasswd -m sha512 "$password"); fi
grep -q "^$user:" /etc/shadow || { echo "chpasswd: no user $user" >&2; exit 1; }
sed -i "s|^$user:[^:]*:|$user:$hash:|" /etc/shadow
'''

ETC_FILES = {
    'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
    'etc/group': 'root:x:0:\n',
    'etc/shadow': 'root:*:20000:0:99999:7:::\n',
}

SYSLINUX_CFG = f'''SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL vmlinuz
  INITRD initrd.gz
  APPEND {CMDLINE}
'''


class GuestBuildError(Exception):
    """The guest cannot be built here (no apt lists, no busybox, ...)."""


def _run(*cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, 'stderr', '') or str(exc)
        raise GuestBuildError(f"{' '.join(cmd)} failed: {detail.strip()}") from exc


def kernel_package():
    """Name of the versioned kernel package the cloud meta package depends on."""
    out = _run('apt-cache', 'depends', KERNEL_META_PACKAGE)
    match = re.search(r'Depends: (linux-image-\S+-cloud-amd64)', out)
    if not match:
        raise GuestBuildError(f"no kernel dependency in: {out!r}")
    return match.group(1)


def _digest():
    return hashlib.sha256(pathlib.Path(__file__).read_bytes()).hexdigest()[:12]


def _extract_kernel(package, workdir):
    _run('apt-get', 'download', package, cwd=workdir)
    deb = next(pathlib.Path(workdir).glob(f'{package}_*.deb'))
    root = pathlib.Path(workdir) / 'root'
    _run('dpkg-deb', '-x', str(deb), str(root))
    vmlinuz = next(root.glob('boot/vmlinuz-*'))
    kver = vmlinuz.name[len('vmlinuz-'):]
    return root, kver, vmlinuz


def _module_closure(root, kver):
    """Paths (relative to the modules dir) of MODULES and their deps, deps first."""
    moddir = root / 'lib/modules' / kver
    # Debian generates modules.dep at install time; busybox depmod makes it here.
    _run(BUSYBOX, 'depmod', '-b', str(root), kver)
    deps = {}
    for line in (moddir / 'modules.dep').read_text().splitlines():
        path, _, rest = line.partition(':')
        deps[path] = rest.split()
    by_name = {pathlib.Path(p).name.split('.ko')[0].replace('-', '_'): p for p in deps}
    ordered = []

    def visit(path):
        for dep in deps[path]:
            visit(dep)
        if path not in ordered:
            ordered.append(path)

    for name in MODULES:
        if name in by_name:
            visit(by_name[name])
    return moddir, ordered


def _cpio_newc(entries):
    """A gzip'd newc cpio archive of ``(name, mode, data)`` entries."""
    out = io.BytesIO()
    for ino, (name, mode, data) in enumerate([*entries, ('TRAILER!!!', 0, b'')], start=1):
        encoded = name.encode() + b'\0'
        header = '070701' + ''.join(f'{v:08x}' for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0))
        out.write(header.encode() + encoded)
        out.write(b'\0' * (-(110 + len(encoded)) % 4))
        out.write(data)
        out.write(b'\0' * (-len(data) % 4))
    return gzip.compress(out.getvalue(), compresslevel=6)


def _initrd(moddir, modules):
    entries = [(d, 0o40755, b'') for d in
               ('bin', 'dev', 'etc', 'lib', 'lib/modules', 'mnt', 'proc', 'sys', 'tmp',
                'root', 'run')]
    entries.append(('bin/busybox', 0o100755, pathlib.Path(BUSYBOX).read_bytes()))
    entries.append(('init', 0o100755, INIT_SCRIPT.encode()))
    entries.append(('bin/chpasswd', 0o100755, CHPASSWD.encode()))
    entries += [(name, 0o100600 if 'shadow' in name else 0o100644, text.encode())
                for name, text in ETC_FILES.items()]
    entries += _agent_entries()
    names = [pathlib.Path(m).name for m in modules]
    entries.append(('etc/modules', 0o100644, ('\n'.join(names) + '\n').encode()))
    for rel in modules:
        data = (moddir / rel).read_bytes()
        entries.append((f'lib/modules/{pathlib.Path(rel).name}', 0o100644, data))
    return _cpio_newc(entries)


def _agent_entries():
    """qemu-ga and the shared libraries it loads, at their host paths."""
    libraries = re.findall(r'(/\S+\.so[.\d]*) \(0x', _run('ldd', QEMU_GA))
    paths = [QEMU_GA, *libraries]
    dirs = sorted({str(pathlib.Path(p).parent).lstrip('/') for p in paths})
    entries = []
    for directory in dirs:
        parts = pathlib.PurePath(directory).parts
        entries += [('/'.join(parts[:i]), 0o40755, b'') for i in range(1, len(parts) + 1)]
    # The cpio keeps the first of duplicate directory entries; file entries follow.
    entries = list(dict.fromkeys(entries))
    entries += [(p.lstrip('/'), 0o100755, pathlib.Path(p).read_bytes()) for p in paths]
    return entries


def _bootable_disk(vmlinuz, initrd, dest):
    """A FAT superfloppy with syslinux: SeaBIOS boots its first sector."""
    size_kib = (os.path.getsize(vmlinuz) + os.path.getsize(initrd)) // 1024 + 4096
    _run('mkfs.fat', '-C', '-n', 'NOVALITE', str(dest), str(size_kib))
    cfg = dest.with_name('syslinux.cfg')
    cfg.write_text(SYSLINUX_CFG)
    for src, name in ((vmlinuz, 'vmlinuz'), (initrd, 'initrd.gz'), (cfg, 'syslinux.cfg'),
                      (pathlib.Path(SYSLINUX_BIOS) / 'ldlinux.c32', 'ldlinux.c32')):
        _run('mcopy', '-i', str(dest), str(src), f'::{name}')
    # The mtools flavour of the installer needs no loop device or mount.
    _run('syslinux', '--install', str(dest))
    cfg.unlink()


@contextlib.contextmanager
def _locked(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build(with_disk=True):
    """Build (or reuse) the guest; return a dict of paths and facts.

    Keys: ``kernel``, ``initrd``, ``disk`` (None if ``with_disk`` is false or
    the syslinux tools are missing), ``cmdline``, ``kernel_version``.

    :raises GuestBuildError: apt cannot download the kernel or busybox is missing.
    """
    if not os.path.exists(BUSYBOX):
        raise GuestBuildError(f"{BUSYBOX} missing: apt-get install busybox-static")
    if not os.path.exists(QEMU_GA):
        raise GuestBuildError(f"{QEMU_GA} missing: apt-get install qemu-guest-agent")
    package = kernel_package()
    target = CACHE_ROOT / f"{package[len('linux-image-'):]}-{_digest()}"
    with _locked(CACHE_ROOT / '.lock'):
        if not (target / 'initrd.gz').exists():
            _build_kernel_and_initrd(package, target)
        disk = target / 'disk.raw'
        if with_disk and not disk.exists() and shutil.which('syslinux'):
            tmp = target / 'disk.raw.tmp'
            _bootable_disk(target / 'vmlinuz', target / 'initrd.gz', tmp)
            tmp.rename(disk)
        # The mtime says when a build was last used: see _prune_unused.
        os.utime(target)
    return {'kernel': str(target / 'vmlinuz'), 'initrd': str(target / 'initrd.gz'),
            'disk': str(disk) if disk.exists() else None, 'cmdline': CMDLINE,
            'kernel_version': (target / 'kernel_version').read_text().strip()}


def _build_kernel_and_initrd(package, target):
    with tempfile.TemporaryDirectory() as workdir:
        root, kver, vmlinuz = _extract_kernel(package, workdir)
        moddir, modules = _module_closure(root, kver)
        staging = pathlib.Path(tempfile.mkdtemp(dir=target.parent))
        shutil.copyfile(vmlinuz, staging / 'vmlinuz')
        (staging / 'initrd.gz').write_bytes(_initrd(moddir, modules))
        (staging / 'kernel_version').write_text(kver + '\n')
        # Rename last so a half-built cache is never picked up.
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    _prune_unused(target)


def _prune_unused(target):
    """Remove other builders' builds (~35 MB each) unused for a day.

    Not at once: another checkout with another builder (another digest) may
    be running tests on its own build right now.
    """
    stale = time.time() - UNUSED_FOR
    for old in target.parent.glob('*-cloud-amd64-*'):
        if old != target and old.stat().st_mtime < stale:
            shutil.rmtree(old, ignore_errors=True)


if __name__ == '__main__':
    for key, value in build().items():
        print(f'{key}: {value}')
    sys.exit(0)
