"""The compute API: the one front the WSGI layer calls to read and act on servers.

It runs in the API service, so unlike the rest of ``novalite.compute`` it
reads and writes the database directly. It holds the RPC clients and the
image service and hands each job to the module that owns it: reads to
:mod:`~novalite.compute.instance_list`, creation to
:mod:`~novalite.compute.create` (checks in
:mod:`~novalite.compute.create_checks`), state transitions to
:mod:`~novalite.compute.actions`, deletion to :mod:`~novalite.compute.delete`.
"""

from novalite import exception
from novalite.compute import (
    actions,
    consoles,
    crash_dump,
    create,
    create_checks,
    delete,
    instance_list,
    soft_delete,
)
from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import instances
from novalite.image import client as image_client

COMPUTE_BINARY = delete.COMPUTE_BINARY


class API:
    """Server operations on behalf of a request context.

    :param image_service: where images are resolved (default: the configured one,
        see :mod:`novalite.image.client`).
    """

    def __init__(self, image_service=None):
        self._image_service = image_service
        self._compute_task_api = None
        self._compute_rpcapi = None

    # RPC clients are made on first use: building the WSGI app needs no transport.
    @property
    def image_service(self):
        # Not cached: the images path comes from the config, which may change.
        return self._image_service or image_client.get_image_service()

    @property
    def compute_task_api(self):
        if self._compute_task_api is None:
            self._compute_task_api = conductor_rpcapi.ComputeTaskAPI()
        return self._compute_task_api

    @property
    def compute_rpcapi(self):
        if self._compute_rpcapi is None:
            self._compute_rpcapi = compute_rpcapi.ComputeAPI()
        return self._compute_rpcapi

    get = staticmethod(instance_list.get)
    get_all = staticmethod(instance_list.get_all)
    availability_zones = staticmethod(create_checks.availability_zones)

    def create(self, context, request):
        """Create the servers of a :class:`~novalite.compute.create_request.CreateRequest`.

        :returns: ``(instances, reservation_id)``.
        :raises Invalid: a check failed; nothing was created.
        """
        return create.create(context, request, self.image_service, self.compute_task_api)

    def delete(self, context, instance):
        delete.delete(context, self.compute_rpcapi, instance)

    def delete_or_soft_delete(self, context, instance):
        """A user's DELETE: kept as SOFT_DELETED while ``reclaim_instance_interval`` is set
        (see :mod:`~novalite.compute.soft_delete`)."""
        soft_delete.delete_or_soft_delete(context, self.compute_rpcapi, instance)

    def restore(self, context, instance):
        soft_delete.restore(context, self.compute_rpcapi, instance)

    def force_delete(self, context, instance):
        soft_delete.force_delete(context, self.compute_rpcapi, instance)

    def act(self, context, instance, name, **rpc_kwargs):
        """Start a state transition of :data:`~novalite.compute.actions.TRANSITIONS`."""
        return actions.run(context, self.compute_rpcapi, instance, name, **rpc_kwargs)

    def reboot(self, context, instance, reboot_type):
        """:param reboot_type: ``SOFT`` or ``HARD``."""
        return actions.run(context, self.compute_rpcapi, instance,
                           'reboot_' + reboot_type.lower(), action='reboot',
                           reboot_type=reboot_type)

    set_locked = staticmethod(actions.set_locked)
    is_expected_locked_by = staticmethod(actions.is_expected_locked_by)

    @staticmethod
    def update(context, instance, values):
        """Rename, describe or set access IPs of a server; returns it."""
        return instances.instance_update(instance['uuid'], values)

    def get_console_output(self, context, instance, tail_length=None):
        """The guest's console log, its last ``tail_length`` lines if given.

        :raises InstanceNotReady: the server has no host yet.
        """
        if not instance['host']:
            raise exception.InstanceNotReady(instance_id=instance['uuid'])
        return self.compute_rpcapi.get_console_output(context, instance,
                                                      tail_length=tail_length)

    def get_console(self, context, instance, console_type):
        """``{'type', 'url'}`` of a new ``novnc`` or ``serial`` console (see
        :mod:`novalite.compute.consoles`)."""
        return consoles.get_console(context, self.compute_rpcapi, instance, console_type)

    def trigger_crash_dump(self, context, instance):
        """Send the guest an NMI (see :mod:`novalite.compute.crash_dump`)."""
        crash_dump.trigger(context, self.compute_rpcapi, instance)

    def get_host_uptime(self, context, host):
        """What ``uptime`` says on the compute host ``host``."""
        return self.compute_rpcapi.get_host_uptime(context, host)

    def get_diagnostics(self, context, instance):
        """The guest's diagnostics from its compute host (see the virt driver's)."""
        return self.compute_rpcapi.get_instance_diagnostics(context, instance)
