"""The qemu guest agent: whether a guest has one, and password changes through it.

A guest gets the agent's virtio-serial channel when its image says
``hw_qemu_guest_agent=yes``; libvirt then connects to ``qemu-ga`` inside the
guest itself. Password changes go through libvirt's ``setUserPassword``
(the agent's ``guest-set-user-password``), as Nova's libvirt driver does.
"""

import libvirt
from oslo_log import log as logging
from oslo_utils import strutils

from novalite import exception

LOG = logging.getLogger(__name__)


def wanted(properties):
    """Whether image ``properties`` ask for the agent (``hw_qemu_guest_agent``)."""
    return strutils.bool_from_string(properties.get('hw_qemu_guest_agent', False))


def admin_user(properties, os_type=None):
    """The account a password change is for: ``os_admin_user``, else root
    (Administrator on Windows)."""
    user = properties.get('os_admin_user')
    if user:
        return user
    return 'Administrator' if os_type == 'windows' else 'root'


def set_user_password(domain, user, password, instance_uuid):
    """Set ``user``'s password inside the guest.

    :raises PasswordSetNotImplemented: the agent does not answer (not
        started, not connected yet).
    :raises InstancePasswordSetFailed: the agent refused (e.g. no such user).
    """
    try:
        domain.setUserPassword(user, password, 0)
    except libvirt.libvirtError as exc:
        code = exc.get_error_code()
        LOG.warning("Setting the password of %s in %s failed: [%s] %s", user,
                    instance_uuid, code, exc.get_error_message())
        if code in (libvirt.VIR_ERR_AGENT_UNRESPONSIVE, libvirt.VIR_ERR_AGENT_UNSYNCED):
            raise exception.PasswordSetNotImplemented() from None
        # The guest's own words may carry the password: they stay in the log.
        raise exception.InstancePasswordSetFailed(
            instance=instance_uuid, reason='error setting admin password') from None
