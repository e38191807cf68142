"""Rescue, unrescue and admin passwords on the compute host.

Rescue stops the guest (cleanly, as Nova does) and boots it from the rescue
image with its own disk attached: the instance becomes ``rescued``.
Unrescue boots it as it was: ``active``. A password change goes to the
guest's agent while the API waits (a call), so the caller hears about a
missing agent; when the server's key pair is an RSA key the new password is
also kept encrypted with it for ``os-server-password``, as Nova's libvirt
driver does.

A host killed in the middle settles at start (:meth:`RescueOps.recover`):
an interrupted rescue is rolled back to the server's own guest, an
interrupted unrescue is finished.
"""

from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import exception
from novalite.compute import build, events, server_password, vm_states
from novalite.image import client as image_client
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

RESCUE_EVENT = 'compute_rescue_instance'
UNRESCUE_EVENT = 'compute_unrescue_instance'
PASSWORD_EVENT = 'compute_set_admin_password'

# What the driver may raise that already says why a rescue is impossible.
_RESCUE_ERRORS = (exception.InstanceNotRescuable, exception.UnsupportedRescueImage)


class RescueOps:
    """:param network_info: ``(context, instance) -> vifs`` (the manager's)."""

    def __init__(self, host, driver, conductor, network_info):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.network_info = network_info
        self._images = None

    @property
    def images(self):
        if self._images is None:
            self._images = image_client.get_image_service()
        return self._images

    # Rescue
    def rescue(self, context, instance, rescue_password, rescue_image_ref):
        uuid = instance['uuid']
        with lockutils.lock(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, RESCUE_EVENT,
                                         self.host):
                    self._rescue(context, instance, rescue_password, rescue_image_ref)
            except Exception as exc:
                LOG.exception('Rescue of instance %s failed', uuid)
                if not isinstance(exc, _RESCUE_ERRORS):
                    exc = exception.InstanceNotRescuable(instance_id=uuid,
                                                         reason=f'Driver Error: {exc}')
                self._end(context, instance, vm_states.RESCUING, vm_states.ERROR, exc)
                return
            self._end(context, instance, vm_states.RESCUING, vm_states.RESCUED,
                      launched_at=timeutils.utcnow().isoformat())

    def _rescue(self, context, instance, rescue_password, rescue_image_ref):
        image_meta = self.images.show(self.rescue_image_ref(instance, rescue_image_ref))
        network_info = self.network_info(context, instance)
        if self._power(instance) == power_state.RUNNING:
            self.driver.power_off(context, instance, network_info)
        self.driver.rescue(context, instance, network_info, image_meta, rescue_password)

    @staticmethod
    def rescue_image_ref(instance, asked=None):
        """The image asked for, else the server's base image, else its own (Nova's order)."""
        sysmeta = instance.get('system_metadata') or {}
        return asked or sysmeta.get('image_base_image_ref') or instance['image_ref']

    def unrescue(self, context, instance):
        uuid = instance['uuid']
        with lockutils.lock(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, UNRESCUE_EVENT,
                                         self.host):
                    self.driver.unrescue(context, instance, self.network_info(context, instance))
            except Exception as exc:
                LOG.exception('Unrescue of instance %s failed', uuid)
                self._end(context, instance, vm_states.UNRESCUING, vm_states.ERROR, exc)
                return
            self._end(context, instance, vm_states.UNRESCUING, vm_states.ACTIVE)

    def _end(self, context, instance, task_state, vm_state, exc=None, **values):
        uuid = instance['uuid']
        if exc is not None and not events.record_fault(self.conductor, context, uuid, exc,
                                                       self.host):
            return
        values.update(vm_state=vm_state, task_state=None, power_state=self._power(instance))
        try:
            self.conductor.instance_update(context, uuid, values,
                                           expected_task_state=task_state, read_back=False)
        except build.GONE:
            LOG.info('Instance %s changed during %s', uuid, task_state)

    def _power(self, instance):
        try:
            return self.driver.get_info(instance).state
        except exception.InstanceNotFound:
            return power_state.NOSTATE

    # Passwords
    def set_admin_password(self, context, instance, new_pass):
        """Set the password inside the guest; the task state ends either way.

        :raises InstancePasswordSetFailed: the guest is not running, or refused.
        :raises InstanceAgentNotEnabled, QemuGuestAgentNotEnabled: the guest has no agent.
        :raises PasswordSetNotImplemented: the agent does not answer.
        """
        uuid = instance['uuid']
        values = {'task_state': None}
        try:
            with lockutils.lock(uuid), events.action_event(
                    self.conductor, context, uuid, PASSWORD_EVENT, self.host):
                self._set_password(instance, new_pass)
                values['system_metadata'] = server_password.encrypted_for(instance, new_pass)
        finally:
            self._clear_password_task(context, uuid, values)
        LOG.info('Admin password of instance %s set', uuid)

    def _set_password(self, instance, new_pass):
        if self._power(instance) != power_state.RUNNING:
            raise exception.InstancePasswordSetFailed(
                instance=instance['uuid'], reason=f"instance {instance['uuid']} is not running")
        try:
            self.driver.set_admin_password(instance, new_pass)
        except NotImplementedError:
            raise exception.SetAdminPasswdNotSupported() from None
        except (exception.InstanceAgentNotEnabled, exception.QemuGuestAgentNotEnabled,
                exception.PasswordSetNotImplemented, exception.InstancePasswordSetFailed,
                exception.SetAdminPasswdNotSupported):
            raise
        except Exception:
            # Never the driver's words: they may carry the password.
            LOG.exception('set_admin_password of instance %s failed', instance['uuid'])
            raise exception.InstancePasswordSetFailed(
                instance=instance['uuid'], reason='error setting admin password') from None

    def _clear_password_task(self, context, uuid, values):
        if values.get('system_metadata') is None:
            values.pop('system_metadata', None)
        try:
            self.conductor.instance_update(context, uuid, values,
                                           expected_task_state=vm_states.UPDATING_PASSWORD,
                                           read_back=False)
        except build.GONE:
            LOG.info('Instance %s changed while its password was set', uuid)

    # Start-up
    def recover(self, context, instance):
        """Settle a rescue or unrescue a crash interrupted; False if neither was.

        The rescue password is gone with the crash, so a rescue is rolled
        back (the server's own guest, stopped if it was stopped) with a
        fault saying so; an unrescue is finished.
        """
        task_state = instance['task_state']
        if task_state not in (vm_states.RESCUING, vm_states.UNRESCUING):
            return False
        uuid = instance['uuid']
        LOG.warning('Instance %s was %s when this host stopped', uuid, task_state)
        try:
            self.driver.unrescue(context, instance, self.network_info(context, instance))
            if task_state == vm_states.RESCUING and instance['vm_state'] != vm_states.ACTIVE:
                self.driver.power_off(context, instance, None, timeout=0)
        except Exception as exc:
            LOG.exception('Could not settle the %s of instance %s', task_state, uuid)
            self._end(context, instance, task_state, vm_states.ERROR, exc)
            return True
        if task_state == vm_states.UNRESCUING:
            self._end(context, instance, task_state, vm_states.ACTIVE)
            return True
        self._end(context, instance, task_state, instance['vm_state'],
                  exception.InstanceNotRescuable(
                      instance_id=uuid, reason='the compute host restarted during the rescue'))
        return True
