"""The retry record of a build: how often it was scheduled, and where it failed."""

from oslo_versionedobjects import fields

from novalite.objects import base


@base.NovaliteObjectRegistry.register
class SchedulerRetries(base.NovaliteObject):
    """``filter_properties['retry']`` (Nova's name): the conductor counts each
    scheduling of a build against ``[scheduler] max_attempts`` and adds the
    host it sends the build to; a compute host whose spawn failed sends it
    back with the build, and the hosts in it are not tried again.

    Version history:

    * 1.0 - Initial version.
    """

    VERSION = '1.0'

    fields = {
        'num_attempts': fields.IntegerField(),
        # [host, node] pairs, in the order they were tried.
        'hosts': fields.ListOfListsOfStringsField(),
    }

    @classmethod
    def first(cls):
        """The record of a build not yet scheduled."""
        return cls(num_attempts=0, hosts=[])


def filter_properties_for(filter_properties, retries_known):
    """``filter_properties`` as their reader takes them: the retry record a
    SchedulerRetries, or, for a reader that predates it (``retries_known``
    False), plain dicts throughout."""
    if not retries_known:
        return base.to_legacy(filter_properties)
    if 'retry' not in filter_properties:
        return filter_properties
    return dict(filter_properties, retry=SchedulerRetries.coerce(filter_properties['retry']))
