"""Host weighers: the ranking half of the scheduler's pipeline.

Each weigher gives every host that passed the filters a raw value (free RAM,
number of servers, ...). As in Nova, a weigher's values are normalized to
0..1 across the hosts (the largest maps to 1, the smallest to 0, all to 0
when they are equal), multiplied by the weigher's ``[scheduler]
*_weight_multiplier`` and summed over the weighers; the highest sum is best.
"""

from novalite import exception
from novalite.conf import CONF
from novalite.scheduler import loading

_MODULES = (
    'novalite.scheduler.weights.resources',
    'novalite.scheduler.weights.num_instances',
    'novalite.scheduler.weights.affinity',
)


class BaseHostWeigher:
    """Base class of weighers; subclasses implement :meth:`weigh_object`.

    ``multiplier_option`` names the ``[scheduler]`` option holding the
    multiplier. ``minval``/``maxval``, when set, bound the normalization
    instead of the smallest and largest value seen.
    """

    multiplier_option = None
    minval = None
    maxval = None

    def __init__(self, conf=CONF):
        self.conf = conf

    @property
    def name(self):
        return type(self).__name__

    def weight_multiplier(self):
        if self.multiplier_option is None:
            return 1.0
        return getattr(self.conf.scheduler, self.multiplier_option)

    def weigh_object(self, host_state, spec):
        """The raw (not normalized) value of one host for ``spec``."""
        raise NotImplementedError()

    def weigh_objects(self, host_states, spec):
        """The raw values of all hosts, in order."""
        return [self.weigh_object(state, spec) for state in host_states]


def normalize(values, minval=None, maxval=None):
    """``values`` scaled to 0..1 between ``minval`` and ``maxval`` (default: their extremes).

    Equal bounds give all zeros: a weigher that cannot tell hosts apart must
    not favour any.
    """
    if not values:
        return []
    minval = min(values) if minval is None else minval
    maxval = max(values) if maxval is None else maxval
    spread = float(maxval - minval)
    if spread == 0:
        return [0.0] * len(values)
    return [(value - minval) / spread for value in values]


def combined_weights(weighers, host_states, spec):
    """The weight of each host (aligned with ``host_states``): normalized, multiplied, summed."""
    totals = [0.0] * len(host_states)
    for weigher in weighers:
        multiplier = weigher.weight_multiplier()
        if not multiplier:
            continue
        normalized = normalize(weigher.weigh_objects(host_states, spec),
                               weigher.minval, weigher.maxval)
        totals = [total + multiplier * value
                  for total, value in zip(totals, normalized, strict=True)]
    return totals


def weigh_hosts(weighers, host_states, spec):
    """``host_states`` best first (a new list); ties keep their order.

    No per-host objects are created: at 10,000 hosts they would feed the
    cyclic garbage collector enough to stall every few requests.
    """
    totals = combined_weights(weighers, host_states, spec)
    order = sorted(range(len(host_states)), key=totals.__getitem__, reverse=True)
    return [host_states[index] for index in order]


def load_weighers(names, conf=CONF):
    """Instances of the weighers named by ``names``, in order.

    :raises SchedulerWeigherNotFound: a name is not a known weigher.
    """
    classes = loading.load_classes(names, BaseHostWeigher, _MODULES,
                                   exception.SchedulerWeigherNotFound)
    return [cls(conf) for cls in classes]
