"""The vocabulary of the microversion walk: a step, its owner, and where steps are kept.

A step is one change of Nova's REST API version history
(``nova/api/openstack/compute/rest_api_version_history.rst``) shown by a
check that sends the same request at the version before and at the
version itself. ``tests/functional/api/test_microversion_walk.py`` holds
the steps of the resources novalite has up to 2.79 (``walk/test_walk_from_2_80.py``
those from 2.80), with the helpers below that steps share; each helper who builds an action
keeps the steps of its action in ``walk/test_walk_<name>.py``, either as a
list named ``STEPS`` of ``(version, change, check)`` (see :func:`step`) or
as tests whose names end in the version they show (``..._from_2_45``), so
the walk sees them all.
"""

import collections
import importlib
import pathlib
import re
import types

from novalite.db import actions as db_actions
from novalite.db import block_device_mappings as db_bdms
from novalite.db import instances as db_instances
from novalite.db import server_migrations
from tests.functional.api.conftest import make_instance

Step = collections.namedtuple('Step', 'version change check')


def step(steps, version, change):
    """Decorator: register ``check(w)`` in ``steps`` as the step ``version``: ``change``."""
    def register(check):
        steps.append(Step(version, change, check))
        return check
    return register


def step_id(walk_step):
    return f"{walk_step.version}-{walk_step.change}"


_VERSION = re.compile(r'^2\.\d+$')
# ``..._from_2_45`` or ``test_273_...``.
_VERSION_IN_NAME = re.compile(r'_2_(\d+)(?:_|$)|^test_2(\d{2,3})_')


def helper_versions():
    """``{module name: {version, ...}}``: the versions the modules of this package walk."""
    found = {}
    for path in sorted(pathlib.Path(__file__).parent.glob('test_walk_*.py')):
        module = importlib.import_module(f'tests.functional.api.walk.{path.stem}')
        versions = set()
        for walk_step in getattr(module, 'STEPS', ()):
            # A Step, or any tuple naming its version ('2.51').
            fields = [getattr(walk_step, 'version', None)] + list(walk_step)
            versions.update(f for f in fields if isinstance(f, str) and _VERSION.match(f))
        for name in dir(module):
            if name.startswith('test_'):
                versions.update(f'2.{int(a or b)}' for a, b in _VERSION_IN_NAME.findall(name))
        found[path.stem] = versions
    return found


def walker(api, admin, conf, flavor, image, compute_host, monkeypatch):
    """What a step needs (its ``w``): clients, a flavor, an image, a host, and a
    server on it."""
    return types.SimpleNamespace(api=api, admin=admin, conf=conf, monkeypatch=monkeypatch,
                                 flavor=flavor, image=image,
                                 host=compute_host, server=make_instance())


def server_path(w):
    return f"/servers/{w.server['uuid']}"


def live_migration(w, status):
    """A live migration of ``w``'s server in ``status``; the server is migrating."""
    db_instances.instance_update(w.server['uuid'], {'task_state': 'migrating'})
    return server_migrations.migration_create(
        db_instances.instance_get(w.server['uuid']), 'live-migration', status=status)


def attached(w, **values):
    """A volume mapped to ``w``'s server, with ``values`` set on the mapping."""
    return db_bdms.bdm_reserve(w.server['uuid'], dict({
        'source_type': 'volume', 'destination_type': 'volume',
        'volume_id': '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01'}, **values))


def action_with_event(w, request_id='req-walk'):
    """A stop of ``w``'s server whose event failed; returns the action's path."""
    uuid = w.server['uuid']
    db_actions.action_start(uuid, 'stop', request_id, 'demo', 'demo')
    db_actions.event_start(uuid, request_id, 'compute_stop_instance', 'host1')
    db_actions.event_finish_named(uuid, request_id, 'compute_stop_instance', 'host1',
                                  'Error', traceback='Traceback: boom')
    return f"{server_path(w)}/os-instance-actions/{request_id}"
