"""ImagePropertiesFilter: only nodes whose hypervisor can run the image.

An image may ask for an architecture (``hw_architecture``, formerly
``architecture``), a hypervisor type (``img_hv_type``, formerly
``hypervisor_type``), a VM mode (``hw_vm_mode``, formerly ``vm_mode``) and a
hypervisor version (``img_hv_requested_version``, e.g. ``>=7.0``). A node
reports the ``[arch, hv_type, vm_mode]`` triples it supports in
``supported_instances`` and its version as an integer (``7002000`` is 7.2.0).
"""

import operator
import re

from oslo_log import log as logging
from oslo_utils import versionutils

from novalite.scheduler import filters

LOG = logging.getLogger(__name__)

# Nova's canonical names for the aliases images still carry.
_ARCH_ALIASES = {'i386': 'i686', 'i486': 'i686', 'i586': 'i686', 'x86_32': 'i686',
                 'x86_32p': 'i686', 'amd64': 'x86_64'}
_HV_TYPE_ALIASES = {'xapi': 'xen'}
_VM_MODE_ALIASES = {'pv': 'xen', 'hv': 'hvm', 'baremetal': 'hvm'}
_ALIASES = (_ARCH_ALIASES, _HV_TYPE_ALIASES, _VM_MODE_ALIASES)

_OPERATORS = {'>=': operator.ge, '<=': operator.le, '==': operator.eq, '=': operator.eq,
              '!=': operator.ne, '>': operator.gt, '<': operator.lt}
_CONSTRAINT = re.compile(r'^\s*(>=|<=|==|!=|=|>|<)?\s*(\d+(?:\.\d+)*)\s*$')

_CANONICAL_SUPPORTED = {}


def _canonical(value, aliases):
    if not value:
        return None
    value = str(value).lower()
    return aliases.get(value, value)


def _canonical_supported(supported_instances):
    canonical = _CANONICAL_SUPPORTED.get(supported_instances)
    if canonical is None:
        canonical = tuple(
            tuple(_canonical(value, aliases)
                  for value, aliases in zip(triple, _ALIASES, strict=False))
            for triple in supported_instances)
        if len(_CANONICAL_SUPPORTED) < 1024:
            _CANONICAL_SUPPORTED[supported_instances] = canonical
    return canonical


def _version_tuple(text):
    return tuple(int(part) for part in text.split('.'))


def _padded(left, right):
    width = max(len(left), len(right))
    return left + (0,) * (width - len(left)), right + (0,) * (width - len(right))


def parse_version_constraints(text):
    """``">=7.0, <9"`` as ``[(operator.ge, (7, 0)), (operator.lt, (9,))]``.

    A version without an operator means ``>=``.

    :raises ValueError: the text is not a comma-separated list of constraints.
    """
    constraints = []
    for part in str(text).split(','):
        match = _CONSTRAINT.match(part)
        if match is None:
            raise ValueError(f'invalid version constraint {part!r}')
        constraints.append((_OPERATORS[match.group(1) or '>='], _version_tuple(match.group(2))))
    return constraints


def version_satisfies(hypervisor_version, constraints):
    """Whether an integer hypervisor version satisfies every constraint."""
    version = _version_tuple(versionutils.convert_version_to_str(hypervisor_version))
    return all(compare(*_padded(version, wanted)) for compare, wanted in constraints)


class ImagePropertiesFilter(filters.BaseHostFilter):
    """Passes nodes supporting the image's architecture, hypervisor type, mode and version."""

    def _requirements(self, spec):
        props = spec.image_properties
        wanted = (
            _canonical(props.get('hw_architecture') or props.get('architecture'),
                       _ARCH_ALIASES),
            _canonical(props.get('img_hv_type') or props.get('hypervisor_type'),
                       _HV_TYPE_ALIASES),
            _canonical(props.get('hw_vm_mode') or props.get('vm_mode'), _VM_MODE_ALIASES),
        )
        constraints = None
        requested = props.get('img_hv_requested_version')
        if requested:
            try:
                constraints = parse_version_constraints(requested)
            except ValueError:
                LOG.warning('Image %s has an invalid img_hv_requested_version %r: '
                            'no host satisfies it', spec.image.get('id'), requested)
                constraints = [(lambda _have, _want: False, ())]
        return wanted, constraints

    def host_passes(self, host_state, spec):
        wanted, constraints = spec.memo('image_requirements', lambda: self._requirements(spec))
        if not any(wanted) and constraints is None:
            return True
        if any(wanted) and not self._supports(host_state.supported_instances, wanted):
            return False
        if constraints and host_state.hypervisor_version:
            return version_satisfies(host_state.hypervisor_version, constraints)
        return True

    @staticmethod
    def _supports(supported_instances, wanted):
        for triple in _canonical_supported(supported_instances):
            if all(value is None or value in triple for value in wanted):
                return True
        return False

    def filter_all(self, host_states, spec):
        wanted, constraints = spec.memo('image_requirements', lambda: self._requirements(spec))
        if not any(wanted) and constraints is None:
            return list(host_states)
        # Most nodes of a cloud report the same hypervisor: decide once per kind.
        verdicts = {}
        passed = []
        for state in host_states:
            kind = (state.supported_instances, state.hypervisor_version)
            verdict = verdicts.get(kind)
            if verdict is None:
                verdict = verdicts[kind] = self.host_passes(state, spec)
            if verdict:
                passed.append(state)
        return passed
