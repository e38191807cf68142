"""novalite's domain exceptions.

Each carries a message template and the HTTP status the API answers with;
the fault middleware turns any of them into Nova's fault body.
"""


class NovaliteException(Exception):
    """Base class: ``msg_fmt`` is formatted with the keyword arguments."""

    msg_fmt = "An unknown exception occurred."
    code = 500

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def format_message(self):
        return self.message


class Invalid(NovaliteException):
    msg_fmt = "Unacceptable parameters."
    code = 400


class ValidationError(Invalid):
    msg_fmt = "Invalid input for field/attribute %(field)s. %(detail)s"


class NotFound(NovaliteException):
    msg_fmt = "Resource could not be found."
    code = 404


class Conflict(NovaliteException):
    msg_fmt = "Conflict."
    code = 409


class TaskCancelled(NovaliteException):
    """Thrown into an operation whose task state's deadline expired.

    Its message is the reaper's fault, which an operation's failure path
    may record again: the server's fault still says which step timed out.
    """
    msg_fmt = "%(reason)s"


class Forbidden(NovaliteException):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."
    code = 403


class InstanceNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s could not be found."


class FlavorNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s could not be found."


class FlavorExists(Conflict):
    msg_fmt = "Flavor with %(key)s %(value)s already exists."


class FlavorExtraSpecNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s has no extra specs with key %(key)s."


class FlavorAccessExists(Conflict):
    msg_fmt = ("Flavor access already exists for flavor %(flavor_id)s and project "
               "%(project_id)s combination.")


class FlavorAccessNotFound(NotFound):
    msg_fmt = "Flavor access not found for %(flavor_id)s / %(project_id)s combination."


class ImageNotFound(NotFound):
    msg_fmt = "Image %(image_id)s could not be found."


class ServiceNotFound(NotFound):
    msg_fmt = "Service %(service_id)s could not be found."


class ComputeHostNotFound(NotFound):
    msg_fmt = "Compute host %(host)s could not be found."


class HypervisorNotFound(NotFound):
    msg_fmt = "Hypervisor %(hypervisor_id)s could not be found."


class InstanceInvalidState(Conflict):
    msg_fmt = ("Cannot '%(method)s' instance %(instance_uuid)s while it is in "
               "%(attr)s %(state)s")


class UnexpectedTaskStateError(Conflict):
    msg_fmt = ("Conflict updating instance %(instance_uuid)s. "
               "Expected: %(expected)s. Actual: %(actual)s")


class InstanceActionNotFound(NotFound):
    msg_fmt = "Action for request_id %(request_id)s on instance %(instance_uuid)s not found"


class NoValidHost(NovaliteException):
    msg_fmt = "No valid host was found. %(reason)s"
    code = 500


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = "Exceeded maximum number of retries. %(reason)s"


class BuildAbortException(NovaliteException):
    msg_fmt = "Build of instance %(instance_uuid)s aborted: %(reason)s"


class InstanceDeployFailure(NovaliteException):
    msg_fmt = "Failed to deploy instance: %(reason)s"


class HypervisorUnavailable(NovaliteException):
    msg_fmt = "Connection to the hypervisor is broken on host %(host)s"


class ImageUnacceptable(Invalid):
    msg_fmt = "Image %(image_id)s is unacceptable: %(reason)s"


class QuotaExceeded(Forbidden):
    msg_fmt = "Quota exceeded: %(reason)s"


class OverQuota(QuotaExceeded):
    msg_fmt = "Quota exceeded for resources: %(overs)s"


class TooManyInstances(QuotaExceeded):
    msg_fmt = ("Quota exceeded for %(overs)s: Requested %(req)s, but already used "
               "%(used)s of %(allowed)s %(overs)s")


class ServerGroupsOverQuota(QuotaExceeded):
    msg_fmt = "Quota exceeded, too many server groups."


class ServerGroupMembersOverQuota(QuotaExceeded):
    msg_fmt = "Quota exceeded, too many servers in group"


class MetadataLimitExceeded(QuotaExceeded):
    msg_fmt = "Maximum number of metadata items exceeds %(allowed)d"


class OnsetFileLimitExceeded(QuotaExceeded):
    msg_fmt = "Personality file limit exceeded"


class OnsetFilePathLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = "Personality file path exceeds maximum %(allowed)s"


class OnsetFileContentLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = "Personality file content exceeds maximum %(allowed)s"


class KeypairLimitExceeded(QuotaExceeded):
    msg_fmt = "Maximum number of key pairs exceeded"


class VersionNotAcceptable(NovaliteException):
    msg_fmt = ("Version %(version)s is not supported by the API. "
               "Minimum is %(min)s and maximum is %(max)s.")
    code = 406


class InvalidAPIVersionString(Invalid):
    msg_fmt = ("API Version String %(version)s is of invalid format. "
               "Must be of format MajorNum.MinorNum.")


class SchedulerHostFilterNotFound(NotFound):
    msg_fmt = ("Scheduler host filter %(name)s could not be found (check [scheduler] "
               "enabled_filters). Known filters: %(known)s.")


class SchedulerWeigherNotFound(NotFound):
    msg_fmt = ("Scheduler weigher %(name)s could not be found (check [scheduler] "
               "weighers). Known weighers: %(known)s.")


# --- API and compute API errors ---------------------------------------------

class ComputeServiceStillUp(Invalid):
    msg_fmt = "Compute service of %(host)s is still in use."


class InstanceNotReady(Conflict):
    msg_fmt = "Instance %(instance_id)s is not ready"


class InstanceIsLocked(Conflict):
    msg_fmt = "Instance %(instance_uuid)s is locked"


class UnshelveInstanceInvalidState(Conflict):
    msg_fmt = ("Specifying an availability zone or a host when unshelving server "
               "%(instance_uuid)s with status %(state)s is not supported. The server status "
               "must be SHELVED_OFFLOADED.")


class UnshelveHostNotInAZ(Conflict):
    msg_fmt = 'Host "%(host)s" is not in the availability zone "%(availability_zone)s".'


class InstanceQuiesceFailed(Conflict):
    msg_fmt = "Failed to quiesce instance: %(reason)s"


class InstanceQuiesceNotSupported(Invalid):
    msg_fmt = "Quiescing is not supported in instance %(instance_id)s"


class QemuGuestAgentNotEnabled(Invalid):
    msg_fmt = "QEMU guest agent is not enabled"


class HostBinaryNotFound(NotFound):
    msg_fmt = "Compute host %(host)s with binary %(binary)s could not be found."


class ComputeServiceInUse(Conflict):
    msg_fmt = ("Unable to delete compute service that is hosting instances. "
               "Migrate or delete the instances first.")


class MarkerNotFound(Invalid):
    msg_fmt = "marker [%(marker)s] not found"


class KeypairNotFound(NotFound):
    msg_fmt = "Keypair %(name)s not found for user %(user_id)s"


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class InvalidKeypair(Invalid):
    msg_fmt = "Keypair data is invalid: %(reason)s"


# --- server tags, server groups, aggregates, migrations ----------------------

class TagNotFound(NotFound):
    msg_fmt = "Tag %(tag)s could not be found for instance %(instance_id)s."


class TooManyTags(Invalid):
    msg_fmt = "The number of tags exceeded the per-server limit %(limit)d"


class InstanceGroupNotFound(NotFound):
    msg_fmt = "Instance group %(group_uuid)s could not be found."


class AggregateNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s could not be found."


class AggregateNameExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_name)s already exists."


class AggregateHostExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_id)s already has host %(host)s."


class AggregateHostNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no host %(host)s."


class InvalidAggregateAction(Invalid):
    msg_fmt = "Unacceptable parameters for aggregate %(aggregate_id)s: %(reason)s"


class InvalidAggregateActionAdd(Conflict):
    msg_fmt = "Cannot add host to aggregate %(aggregate_id)s. Reason: %(reason)s."


class MigrationAborted(NovaliteException):
    msg_fmt = "The live migration of instance %(instance_uuid)s was aborted."


class MigrationError(NovaliteException):
    msg_fmt = "Migration error: %(reason)s"


class MigrationPreCheckError(Invalid):
    msg_fmt = "Migration pre-check error: %(reason)s"


class InstanceMigrationNotInProgress(Invalid):
    msg_fmt = ("Instance %(instance_uuid)s has no %(migration_type)s in progress "
               "(migration %(migration_id)s).")


class MultiattachNotSupportedByVirtDriver(Conflict):
    msg_fmt = ("Volume %(volume_id)s has 'multiattach' set, which is not supported for this "
               "instance.")


class MigrationNotFound(NotFound):
    msg_fmt = "Migration %(migration_id)s could not be found."


class MigrationMarkerNotFound(Invalid):
    msg_fmt = "Marker %(marker)s could not be found."


# --- Volumes ------------------------------------------------------------------

class VolumeNotFound(NotFound):
    msg_fmt = "Volume %(volume_id)s could not be found."


class VolumeAttachmentNotFound(NotFound):
    msg_fmt = "Volume attachment %(attachment_id)s could not be found."


class VolumeNotCreated(NovaliteException):
    msg_fmt = ("Volume %(volume_id)s did not finish being created even after we waited "
               "%(seconds)s seconds or %(attempts)s attempts. And its status is "
               "%(volume_status)s.")


class InvalidVolume(Invalid):
    msg_fmt = "Invalid volume: %(reason)s"


class SnapshotNotFound(NotFound):
    msg_fmt = "Snapshot %(snapshot_id)s could not be found."


class InvalidSnapshot(Invalid):
    msg_fmt = "Invalid snapshot: %(reason)s"


class VolumeLimitExceeded(NovaliteException):
    msg_fmt = "VolumeLimitExceeded: %(reason)s"
    code = 413


class VolumeBackendError(NovaliteException):
    msg_fmt = "The volume backend failed on volume %(volume_id)s: %(reason)s"


class VolumeDeviceNotFound(NotFound):
    msg_fmt = "Volume %(volume_id)s is not attached to server %(instance_uuid)s."


class VolumeAttachFailed(NovaliteException):
    msg_fmt = "Attaching volume %(volume_id)s to server %(instance_uuid)s failed: %(reason)s"


class VolumeServiceError(NovaliteException):
    """The Block Storage API answered with an error or not at all."""

    msg_fmt = "Block Storage API error: %(reason)s"


# --- image service and consoles ---------------------------------------------

class ImageTooLarge(NovaliteException):
    msg_fmt = "Image exceeds the storage quota: more than %(size_cap)s bytes"
    code = 413


class ImageServiceUnavailable(NovaliteException):
    msg_fmt = "The image service at %(url)s cannot be reached: %(reason)s"
    code = 503


class InvalidToken(NotFound):
    msg_fmt = "The token '%(token)s' is invalid or has expired"


class ConsoleTypeUnavailable(Invalid):
    msg_fmt = "Unavailable console type %(console_type)s."


class TriggerCrashDumpNotSupported(Invalid):
    msg_fmt = "Triggering crash dump is not supported"


class InstanceDiagnosticsNotSupported(NovaliteException):
    msg_fmt = "Unable to get diagnostics, functionality not implemented"
    code = 501


class HostUptimeNotSupported(NovaliteException):
    msg_fmt = "Virt driver does not implement uptime function."
    code = 501


class ComputeServiceUnavailable(Invalid):
    msg_fmt = "Compute service of %(host)s is unavailable at this time."


class HostDrainNotFound(NotFound):
    msg_fmt = "Host drain %(drain_id)s could not be found."


class HostDrainInProgress(Conflict):
    msg_fmt = "Host %(host)s is already being drained (drain %(drain_id)s)."


class InstanceAgentNotEnabled(Conflict):
    msg_fmt = "Guest agent is not enabled for the instance"


class SetAdminPasswdNotSupported(Conflict):
    msg_fmt = "Set admin password is not supported"


class InstancePasswordSetFailed(Conflict):
    msg_fmt = "Failed to set admin password on %(instance)s because %(reason)s"


class PasswordSetNotImplemented(NovaliteException):
    """The guest's agent does not answer (Nova answers 501 for it)."""
    msg_fmt = "Unable to set password on instance"
    code = 501


class InstanceNotRescuable(Invalid):
    msg_fmt = "Instance %(instance_id)s cannot be rescued: %(reason)s"


class UnsupportedRescueImage(Invalid):
    msg_fmt = "Requested rescue image '%(image)s' is not supported"
