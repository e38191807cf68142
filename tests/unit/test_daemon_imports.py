"""Each daemon imports only what its job needs: every module a process
imports stays in its memory, multiplied by the compute hosts of a cloud.

Each entry point runs in a child process, as its console script starts it,
up to the moment oslo.service would launch the service (config parsed, the
manager or WSGI app built); the modules it then holds are checked against
what it must not import. ``bench/boot_bench.py`` prints the daemons' RSS.
"""

import json
import os
import subprocess
import sys

import pytest

# Imported first, as the console script does (it monkey-patches the process);
# oslo.service's launch then stops the daemon before it serves anything.
_PROBE = '''
import importlib, json, sys
entry = importlib.import_module(sys.argv[1])
from oslo_service import service
def launch(*args, **kwargs):
    print(json.dumps(sorted(sys.modules)))
    sys.exit(0)
service.launch = launch
sys.argv = [sys.argv[1], '--config-file', sys.argv[2]]
entry.main()
'''

DATABASE = ('sqlalchemy', 'novalite.db')
WSGI_STACK = ('webob', 'routes', 'jsonschema', 'paste.deploy', 'oslo_middleware',
              'oslo_policy', 'novalite.api')
LIBVIRT = ('libvirt', 'novalite.virt.libvirt')
# Loaded where a request needs them: key pairs and password changes
# (cryptography), an Image API over HTTP (keystoneauth), a volume (requests).
ON_DEMAND = ('cryptography', 'keystoneauth1')


def _modules_at_launch(entry_point, tmp_path):
    conf = tmp_path / 'novalite.conf'
    conf.write_text(f'[DEFAULT]\ntransport_url = fake:/\nstate_path = {tmp_path}\n'
                    f'[database]\nconnection = sqlite:///{tmp_path}/novalite.sqlite\n'
                    '[api]\nlisten = 127.0.0.1\nport = 0\nworkers = 1\n')
    done = subprocess.run([sys.executable, '-c', _PROBE, entry_point, str(conf)],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONWARNINGS='ignore'))
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def _imported(modules, names):
    return sorted(name for name in names if name in modules)


def test_compute_host_imports_no_database_wsgi_stack_libvirt_or_http_clients(tmp_path):
    modules = _modules_at_launch('novalite.cmd.compute', tmp_path)
    assert _imported(modules, DATABASE + WSGI_STACK + LIBVIRT + ON_DEMAND + (
        'requests', 'novalite.metadata', 'novalite.conductor.manager',
        'novalite.scheduler.manager', 'novalite.volume.manager')) == []


@pytest.mark.parametrize('daemon', ['conductor', 'scheduler'])
def test_conductor_and_scheduler_import_no_wsgi_stack_virt_or_http_clients(daemon, tmp_path):
    modules = _modules_at_launch(f'novalite.cmd.{daemon}', tmp_path)
    assert _imported(modules, WSGI_STACK + LIBVIRT + ON_DEMAND + (
        'requests', 'novalite.virt.fake', 'novalite.compute.manager')) == []


def test_api_imports_no_virt_layer_managers_or_on_demand_libraries(tmp_path):
    modules = _modules_at_launch('novalite.cmd.api', tmp_path)
    assert _imported(modules, LIBVIRT + ON_DEMAND + (
        'novalite.virt.fake', 'novalite.compute.manager', 'novalite.conductor.manager',
        'novalite.scheduler.manager')) == []
