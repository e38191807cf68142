"""Keeping the database's power state true to the hypervisor's.

Libvirt's lifecycle events and a periodic sweep both end in :meth:`sync`,
which writes only what differs and never overrides a task in flight.
"""

from oslo_log import log as logging

from novalite import context as novalite_context
from novalite import exception
from novalite.compute import build, vm_states
from novalite.virt import power_state

LOG = logging.getLogger(__name__)


class PowerSync:

    def __init__(self, host, driver, conductor, tasks):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.tasks = tasks

    def on_lifecycle_event(self, uuid, state):
        """The driver's event listener: runs in the hypervisor's event thread, so hands off."""
        self.tasks.spawn_n(self._record, uuid, state)

    def _record(self, uuid, state):
        ctxt = novalite_context.get_admin_context()
        try:
            instance = self.conductor.instance_get(ctxt, uuid)
        except exception.InstanceNotFound:
            return
        if instance['host'] == self.host:
            self.sync(ctxt, instance, observed=state)

    def sync_idle(self, context):
        """The periodic sweep: every idle instance of this host."""
        for instance in self.conductor.instance_get_all_by_host(context, self.host):
            if instance['task_state'] is None and instance['vm_state'] != vm_states.BUILDING:
                self.sync(context, instance)

    def sync(self, context, instance, observed=None, ending=()):
        """Bring the DB's power_state (and a stopped guest's vm_state) to the hypervisor's.

        :param ending: the task states of an operation that ends here, failed
            or interrupted: its task is cleared if it is still one of them.
            Another action's, accepted once a deadline had ended this one's
            task, is left to that action.
        """
        if observed is None:
            try:
                observed = self.driver.get_info(instance).state
            except exception.InstanceNotFound:
                observed = power_state.NOSTATE
        values = {}
        if observed != instance['power_state']:
            values['power_state'] = observed
        if instance['vm_state'] == vm_states.ACTIVE and observed in (
                power_state.SHUTDOWN, power_state.CRASHED):
            values['vm_state'] = vm_states.STOPPED
        if ending:
            values['task_state'] = None
        if not values:
            return
        # Besides the ending task, only an idle instance is synced: a task in
        # flight owns the state and will set it when it ends. Only while it is
        # still here: a live migration may have moved it since it was read.
        try:
            self.conductor.instance_update(context, instance['uuid'], values,
                                           expected_task_state=[*ending, None],
                                           expected_host=self.host, read_back=False)
        except build.GONE:
            LOG.debug('Instance %s changed while syncing its power state', instance['uuid'])
