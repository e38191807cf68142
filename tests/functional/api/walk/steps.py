"""The vocabulary of the microversion walk: a step, its owner, and where steps are kept.

A step is one change of Nova's REST API version history
(``nova/api/openstack/compute/rest_api_version_history.rst``) shown by a
check that sends the same request at the version before and at the
version itself. ``tests/functional/api/test_microversion_walk.py`` holds
the steps of the resources novalite has; each helper who builds an action
keeps the steps of its action in ``walk/test_walk_<name>.py``, either as a
list named ``STEPS`` of ``(version, change, check)`` (see :func:`step`) or
as tests whose names end in the version they show (``..._from_2_45``), so
the walk sees them all.
"""

import collections
import importlib
import pathlib
import re

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
