"""novalite-api with ``[api] workers``: several processes serve one port."""

import os
import subprocess
import sys
import time

import requests

from tests.integration.cloud import free_port

BIN = os.path.dirname(sys.executable)


def _children(pid):
    found = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open(f'/proc/{entry}/stat') as f:
                    fields = f.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _wait_until(check, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f'timed out waiting for {what}')


def test_two_workers_are_two_processes_answering_on_one_port(tmp_path):
    port = free_port()
    conf = tmp_path / 'novalite.conf'
    conf.write_text(f'[DEFAULT]\ntransport_url = fake:/\nstate_path = {tmp_path}\n'
                    f'[database]\nconnection = sqlite:///{tmp_path}/n.sqlite\n'
                    f'[api]\nlisten = 127.0.0.1\nport = {port}\nworkers = 2\n')
    subprocess.run([os.path.join(BIN, 'novalite-manage'), '--config-file', str(conf),
                    'db', 'sync'], check=True, capture_output=True, timeout=120)
    api = subprocess.Popen([os.path.join(BIN, 'novalite-api'), '--config-file', str(conf)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f'http://127.0.0.1:{port}/v2.1/servers'
        _wait_until(lambda: len(_children(api.pid)) == 2, 'two worker processes')
        _wait_until(lambda: requests.get(url, headers={'X-Auth-Token': 'demo:demo'},
                                         timeout=10).status_code == 200, 'an answer')
    finally:
        api.terminate()
        api.wait(timeout=60)
