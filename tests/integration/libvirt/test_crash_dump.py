"""trigger_crash_dump on a real guest: its kernel sees the NMI."""

import pytest

from tests.integration.libvirt.conftest import spawn, wait_console

pytestmark = pytest.mark.integration


def test_an_nmi_reaches_the_guest_kernel(driver, guest_images):
    instance, _network_info = spawn(driver, guest_images['kernel'], with_network=False)
    wait_console(driver, instance, 'NOVALITE-GUEST boot')
    driver.trigger_crash_dump(instance)
    wait_console(driver, instance, 'NMI', timeout=30)
