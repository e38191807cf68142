"""A real browser opens a real guest's console through novalite-novncproxy.

The guest (the tiny test guest, its kernel writing to the VGA console too)
gets a console URL from the code the API runs; headless Chromium loads
noVNC's page from the proxy, which checks the token in the database and
relays the guest's VNC display: the canvas lights up with the guest's text.
An expired token's page stays blank and says the connection closed.
"""

import os
import socket
import subprocess
import sys
import time

import pytest

from novalite.compute import consoles
from novalite.db import console_auth_tokens
from tests.integration.cloud import Cloud, free_port
from tests.integration.libvirt import browser
from tests.integration.libvirt.conftest import spawn, wait_console

pytestmark = pytest.mark.integration

BIN = os.path.dirname(sys.executable)


class _LocalCompute:
    """The compute RPC API's console call, answered by the driver in this process."""

    def __init__(self, driver):
        self.driver = driver

    def get_console_endpoint(self, context, instance, console_type):
        return self.driver.get_vnc_console(context, instance)._asdict()


@pytest.fixture
def chromium():
    try:
        page = browser.Chromium()
    except browser.BrowserUnavailable as exc:
        pytest.skip(str(exc))
    yield page
    page.close()


@pytest.fixture
def novncproxy(it_conf, network_db, tmp_path, driver):
    """The proxy daemon, in the test namespace (where the guests' VNC ports are)."""
    try:
        web = browser.novnc_web()
    except browser.BrowserUnavailable as exc:
        pytest.skip(str(exc))
    port = free_port()
    conf = tmp_path / 'proxy.conf'
    conf.write_text(f'[DEFAULT]\nstate_path = {tmp_path}\n'
                    f'[database]\nconnection = sqlite:///{tmp_path}/ipam.sqlite\n'
                    f'[vnc]\nnovncproxy_host = 127.0.0.1\nnovncproxy_port = {port}\n'
                    f'novnc_web = {web}\n')
    # Started from this thread, which the driver fixture put in the namespace.
    proc = subprocess.Popen([os.path.join(BIN, 'novalite-novncproxy'), '--config-file',
                             str(conf), '--log-file', str(tmp_path / 'novncproxy.log')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    Cloud.wait_for(lambda: socket.create_connection(('127.0.0.1', port)).close() or True,
                   'the proxy to listen', timeout=30)
    it_conf.set_override('novncproxy_base_url', f'http://127.0.0.1:{port}/vnc_lite.html',
                         group='vnc')
    yield proc
    proc.terminate()
    proc.wait(timeout=30)


def _guest_with_vga_console(driver, guest_images, images, guest_files):
    kernel_boot = guest_images['kernel']
    image = images.create('tiny-vga', os.path.join(images.images_path, kernel_boot['id']),
                          disk_format='raw', properties=dict(
                              kernel_boot['properties'],
                              os_command_line='console=tty0 console=ttyS0'))
    instance, _network_info = spawn(driver, image, with_network=False)
    return dict(instance, host='host1', vm_state='active')


def test_novnc_in_chromium_shows_the_guests_console_and_an_expired_token_is_refused(
        driver, guest_images, images, guest_files, novncproxy, chromium, tmp_path):
    instance = _guest_with_vga_console(driver, guest_images, images, guest_files)
    console = consoles.get_console(None, _LocalCompute(driver), instance, 'novnc')

    chromium.open(console['url'])
    lit = chromium.wait_for(browser.LIT_PIXELS, lambda n: (n or 0) > 500, timeout=40)
    chromium.screenshot(tmp_path / 'console.png')
    assert lit > 500, f"the console stayed blank ({lit} lit pixels): {tmp_path}/console.png"
    assert chromium.evaluate(browser.STATUS).startswith('Connected')

    expired = console_auth_tokens.token_create(instance['uuid'], 'novnc', '127.0.0.1',
                                               driver.get_vnc_console(None, instance).port, 1)
    time.sleep(1.5)
    chromium.open(consoles.console_url('novnc', expired['token']))
    status = chromium.wait_for(browser.STATUS, lambda s: s and 'closed' in s, timeout=15)
    assert status == 'Something went wrong, connection is closed'
    assert chromium.evaluate(browser.LIT_PIXELS) == 0


def test_serial_console_port_relays_the_guest_and_the_console_log_still_fills(
        driver, guest_images, it_conf):
    it_conf.set_override('enabled', True, group='serial_console')
    instance, _network_info = spawn(driver, guest_images['kernel'], with_network=False)
    endpoint = driver.get_serial_console(None, instance)
    seen = b''
    with socket.create_connection(endpoint, timeout=60) as sock:
        deadline = time.monotonic() + 60
        while b'NOVALITE-GUEST' not in seen and time.monotonic() < deadline:
            seen += sock.recv(4096)
    assert b'NOVALITE-GUEST' in seen
    wait_console(driver, instance, 'NOVALITE-GUEST', timeout=30)
