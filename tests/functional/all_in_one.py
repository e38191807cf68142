"""A ``novalite-all-in-one`` process for the tests that drive it over HTTP.

SQLite, in-process messaging and the fake hypervisor, with one image
(``tiny``) and one flavor (id ``1``) to boot from.
"""

import collections
import contextlib
import json
import os
import subprocess
import sys

from novalite.cli import client as novalite_client
from tests.integration.cloud import Cloud, free_port

BIN = os.path.dirname(sys.executable)

AllInOne = collections.namedtuple('AllInOne', 'url volume_url conf image')


@contextlib.contextmanager
def running(workdir, flavor_memory_mb=512, defaults=''):
    """Start it in ``workdir``; yields its URLs, config file and image id.

    :param defaults: more ``[DEFAULT]`` lines of its config file.
    """
    port, volume_port = free_port(), free_port()
    conf = workdir / 'novalite.conf'
    conf.write_text(f'[DEFAULT]\nstate_path = {workdir}\nhost = aio\n{defaults}'
                    f'[api]\nport = {port}\n[volume]\nport = {volume_port}\n'
                    f'[compute]\nreserved_host_memory_mb = 0\n')
    proc = subprocess.Popen([os.path.join(BIN, 'novalite-all-in-one'), '--config-file',
                             str(conf), '--log-file', str(workdir / 'aio.log')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f'http://127.0.0.1:{port}'
        admin = novalite_client.Client(url + '/v2.1', token='admin:admin')
        Cloud.wait_for(lambda: admin.hypervisors.list(), 'the all-in-one to register its node')
        image = subprocess.run(
            [os.path.join(BIN, 'novalite-manage'), '--config-file', str(conf), 'image-create',
             '--name', 'tiny', '--file', str(conf), '--disk-format', 'raw'],
            capture_output=True, text=True, check=True, timeout=120).stdout.strip()
        admin.flavors.create('small', flavor_memory_mb, 1, 1, id='1')
        yield AllInOne(url, f'http://127.0.0.1:{volume_port}/v3/admin', conf, image)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def openstack_cli(url, token, *args, version='2.37', check=True):
    """Run the real ``openstack`` CLI against the all-in-one at ``url`` as ``token``.

    keystoneauth's ``admin_token`` plugin sends noauth2's ``user:project`` as
    it is. Answers the parsed output when ``-f json`` is asked for, else the
    finished process; with ``check`` a non-zero exit fails the test.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith('OS_')}
    env.update({'OS_AUTH_TYPE': 'admin_token', 'OS_TOKEN': token,
                'OS_ENDPOINT': url + '/v2.1', 'OS_COMPUTE_API_VERSION': version})
    done = subprocess.run([os.path.join(BIN, 'openstack'), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if check and '-f' in args else done
