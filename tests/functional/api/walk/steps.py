"""The vocabulary of the microversion walk: a step, its owner, and where steps are kept.

A step is one change of Nova's REST API version history
(``nova/api/openstack/compute/rest_api_version_history.rst``) shown by a
check that sends the same request at the version before and at the
version itself. ``tests/functional/api/test_microversion_walk.py`` holds
the steps of the resources novalite has; each helper who builds an action
keeps the steps of its action in ``walk/test_walk_<name>.py`` as a list
named ``STEPS`` built with :func:`step`, so the walk sees them all.
"""

import collections
import importlib
import pathlib

from novalite.api import microversion

Step = collections.namedtuple('Step', 'version change check')


def step(steps, version, change):
    """Decorator: register ``check(w)`` in ``steps`` as the step ``version``: ``change``."""
    def register(check):
        steps.append(Step(version, change, check))
        return check
    return register


def prev(version):
    """The microversion before ``version`` (2.38 -> 2.37)."""
    parsed = microversion.APIVersion.parse(version)
    return str(microversion.APIVersion(parsed.major, parsed.minor - 1))


def step_id(walk_step):
    return f"{walk_step.version}-{walk_step.change}"


def helper_steps():
    """The steps the other modules of this package declare, by module name."""
    found = {}
    for path in sorted(pathlib.Path(__file__).parent.glob('test_walk_*.py')):
        module = importlib.import_module(f'tests.functional.api.walk.{path.stem}')
        found[path.stem] = list(getattr(module, 'STEPS', ()))
    return found
