"""AggregateInstanceExtraSpecsFilter: flavor extra specs matched against aggregate metadata.

A flavor's extra spec ``aggregate_instance_extra_specs:KEY`` (or an
unscoped ``KEY``) must match the ``KEY`` metadata of one of the host's
aggregates. Values may carry Nova's operators: ``<in> x``, ``<all-in> x y``,
``<or> a <or> b``, ``s== x`` (and ``s!=``, ``s>=``, ``s<=``, ``s<``, ``s>``
for strings), ``== n``, ``!= n``, ``>= n``, ``<= n`` for numbers; a plain
value must equal (strings) or, when both are numbers, be at least it.
"""

import operator

from novalite.db import aggregates
from novalite.scheduler import filters

_SCOPE = 'aggregate_instance_extra_specs'
_STRING_OPS = {'s==': operator.eq, 's!=': operator.ne, 's>=': operator.ge,
               's<=': operator.le, 's<': operator.lt, 's>': operator.gt}
_NUMBER_OPS = {'==': operator.eq, '!=': operator.ne, '>=': operator.ge, '<=': operator.le}


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def match(value, requirement):
    """Whether a metadata ``value`` satisfies an extra spec ``requirement`` (Nova's rules)."""
    words = requirement.split()
    if not words:
        return value == requirement
    op, rest = words[0], ' '.join(words[1:])
    if op == '<in>':
        return rest in value
    if op == '<all-in>':
        return all(word in value.split() for word in words[1:])
    if op == '<or>':
        return value in [word for word in words if word != '<or>']
    if op in _STRING_OPS:
        return _STRING_OPS[op](value, rest)
    if op in _NUMBER_OPS:
        left, right = _number(value), _number(rest)
        return left is not None and right is not None and _NUMBER_OPS[op](left, right)
    left, right = _number(value), _number(requirement)
    if left is not None and right is not None:
        return left >= right
    return value == requirement


def _wanted(spec):
    """``{metadata key: requirement}`` of the flavor's extra specs this filter reads."""
    wanted = {}
    for key, requirement in (spec.flavor.get('extra_specs') or {}).items():
        scope, _sep, name = key.partition(':')
        if not name:
            wanted[scope] = str(requirement)
        elif scope == _SCOPE:
            wanted[name] = str(requirement)
    return wanted


class AggregateInstanceExtraSpecsFilter(filters.BaseHostFilter):
    """Passes hosts whose aggregates' metadata matches every extra spec it reads."""

    def filter_all(self, host_states, spec):
        wanted = _wanted(spec)
        if not wanted:
            return list(host_states)
        metadata = spec.memo('aggregate_metadata', aggregates.metadata_by_host)
        return [state for state in host_states
                if self._matches(metadata.get(state.host, {}), wanted)]

    def host_passes(self, host_state, spec):
        return bool(self.filter_all([host_state], spec))

    @staticmethod
    def _matches(host_metadata, wanted):
        return all(any(match(value, requirement) for value in host_metadata.get(key, ()))
                   for key, requirement in wanted.items())
