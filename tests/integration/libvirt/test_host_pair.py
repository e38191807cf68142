"""The two-host harness: each libvirtd reaches its peer over qemu+tcp, under its own name."""

import libvirt
import pytest

pytestmark = pytest.mark.integration


def test_each_host_reaches_its_peer_over_tcp_under_another_name_and_uuid(pair):
    seen = []
    for here, peer in ((0, 1), (1, 0)):
        with pair.hosts[here].entered():
            conn = libvirt.open(pair.tcp_uri(peer))
            try:
                caps = conn.getCapabilities()
                seen.append((conn.getHostname(), caps[caps.index('<uuid>'):][6:42]))
            finally:
                conn.close()
    assert seen[0][0] == pair.b.hostname and seen[1][0] == pair.a.hostname
    assert seen[0][1] == pair.b.host_uuid and seen[1][1] == pair.a.host_uuid
