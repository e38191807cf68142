"""Host filters: the pass/fail half of the scheduler's pipeline.

A filter decides from a :class:`~novalite.scheduler.host_manager.HostState`
and a :class:`~novalite.scheduler.request_spec.RequestSpec` whether the host
can take one server of the request. :func:`load_filters` builds the pipeline
from ``[scheduler] enabled_filters``.
"""

from novalite import exception
from novalite.scheduler import loading

_MODULES = (
    'novalite.scheduler.filters.compute_filter',
    'novalite.scheduler.filters.availability_zone_filter',
    'novalite.scheduler.filters.resource_filter',
    'novalite.scheduler.filters.image_props_filter',
    'novalite.scheduler.filters.affinity_filter',
    'novalite.scheduler.filters.server_group_filter',
    'novalite.scheduler.filters.aggregate_instance_extra_specs',
)


class BaseHostFilter:
    """Base class of host filters; subclasses implement :meth:`host_passes`.

    ``recheck_all_after_pick``: a server placed by the request changes the
    filter's answer for other hosts too (server group policies), so every
    candidate is filtered again before the next server of a multi-create.
    """

    recheck_all_after_pick = False

    @property
    def name(self):
        return type(self).__name__

    def host_passes(self, host_state, spec):
        """Whether ``host_state`` can take one server of ``spec``."""
        raise NotImplementedError()

    def filter_all(self, host_states, spec):
        """The host states that pass, in their order (a new list).

        Filters that can tell from the request alone that every host passes
        override this to skip the per-host calls.
        """
        return [state for state in host_states if self.host_passes(state, spec)]


def load_filters(names):
    """Instances of the filters named by ``names``, in order.

    :raises SchedulerHostFilterNotFound: a name is not a known filter.
    """
    classes = loading.load_classes(names, BaseHostFilter, _MODULES,
                                   exception.SchedulerHostFilterNotFound)
    return [cls() for cls in classes]
