"""A ``novalite-all-in-one`` process for the tests that drive it over HTTP.

SQLite, in-process messaging and the fake hypervisor, with one image
(``tiny``) and one flavor (id ``1``) to boot from; on request a
``novalite-image-api`` over the same image store, for clients that look images
up in the image service.
"""

import collections
import contextlib
import json
import os
import subprocess
import sys

import requests

from novalite.cli import client as novalite_client
from tests.integration.cloud import Cloud, free_port

BIN = os.path.dirname(sys.executable)

AllInOne = collections.namedtuple('AllInOne',
                                  'url volume_url conf image image_url process metadata_url',
                                  defaults=(None, None, None))


@contextlib.contextmanager
def running(workdir, flavor_memory_mb=512, defaults='', image_api=False, sections=''):
    """Start it in ``workdir``; yields its URLs (the metadata API's on a port of its
    own), config file, image id and process.

    :param defaults: more ``[DEFAULT]`` lines of its config file.
    :param image_api: also start ``novalite-image-api`` (its URL is ``image_url``).
    :param sections: more groups of its config file, each with its header.
    """
    port, volume_port, image_port = free_port(), free_port(), free_port()
    metadata_port = free_port()
    conf = workdir / 'novalite.conf'
    conf.write_text(f'[DEFAULT]\nstate_path = {workdir}\nhost = aio\n{defaults}'
                    f'[api]\nport = {port}\nmetadata_listen_port = {metadata_port}\n'
                    f'[volume]\nport = {volume_port}\n'
                    f'[image]\nlisten = 127.0.0.1\nport = {image_port}\n'
                    f'[compute]\nreserved_host_memory_mb = 0\n{sections}')
    procs = [_start(workdir, conf, 'novalite-all-in-one', 'aio.log')]
    image_url = f'http://127.0.0.1:{image_port}' if image_api else None
    try:
        url = f'http://127.0.0.1:{port}'
        admin = novalite_client.Client(url + '/v2.1', token='admin:admin')
        Cloud.wait_for(lambda: admin.hypervisors.list(), 'the all-in-one to register its node')
        image = create_image(conf, 'tiny')
        admin.flavors.create('small', flavor_memory_mb, 1, 1, id='1')
        if image_api:
            # Once the all-in-one has made the database: the image API reads it.
            procs.append(_start(workdir, conf, 'novalite-image-api', 'image-api.log'))
            Cloud.wait_for(lambda: _answers(image_url + '/versions'), 'the image API to answer')
        yield AllInOne(url, f'http://127.0.0.1:{volume_port}/v3/admin', conf, image, image_url,
                       procs[0], f'http://127.0.0.1:{metadata_port}')
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=60)


def _start(workdir, conf, daemon, log):
    return subprocess.Popen([os.path.join(BIN, daemon), '--config-file', str(conf),
                             '--log-file', str(workdir / log)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def create_image(conf, name):
    """A raw image in the all-in-one's store (its data: the config file); returns its id."""
    return subprocess.run(
        [os.path.join(BIN, 'novalite-manage'), '--config-file', str(conf), 'image-create',
         '--name', name, '--file', str(conf), '--disk-format', 'raw'],
        capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def _answers(url):
    try:
        return requests.get(url, timeout=5).ok
    except requests.RequestException:
        return False


def openstack_cli(url, token, *args, version='2.37', check=True, image_url=None):
    """Run the real ``openstack`` CLI against the all-in-one at ``url`` as ``token``.

    keystoneauth's ``admin_token`` plugin sends noauth2's ``user:project`` as
    it is. Answers the parsed output when ``-f json`` is asked for, else the
    finished process; with ``check`` a non-zero exit fails the test.
    ``image_url`` is where it looks images up (``running(image_api=True)``).
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith('OS_')}
    env.update({'OS_AUTH_TYPE': 'admin_token', 'OS_TOKEN': token,
                'OS_ENDPOINT': url + '/v2.1', 'OS_COMPUTE_API_VERSION': version})
    if image_url:
        env['OS_IMAGE_ENDPOINT_OVERRIDE'] = image_url
    done = subprocess.run([os.path.join(BIN, 'openstack'), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if check and '-f' in args else done
