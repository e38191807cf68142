"""``/limits``: novalite enforces no quotas, so every absolute limit is -1 (unlimited)
and usage is counted from the caller's live servers. Network limits go at 2.36."""

from novalite.api import microversion, policy, wsgi
from novalite.api.policies import limits as rules
from novalite.db import instances as db_instances

_UNLIMITED = ('maxTotalInstances', 'maxTotalCores', 'maxTotalRAMSize', 'maxServerMeta',
              'maxImageMeta', 'maxPersonality', 'maxPersonalitySize', 'maxTotalKeypairs',
              'maxServerGroups', 'maxServerGroupMembers')
_NETWORK = ('maxSecurityGroups', 'maxSecurityGroupRules', 'maxTotalFloatingIps')


@policy.require(rules.SHOW)
def index(req):
    ctx = wsgi.context(req)
    live = db_instances.instance_get_all({'project_id': ctx.project_id})
    absolute = dict.fromkeys(_UNLIMITED, -1)
    if not microversion.is_supported(req, '2.36'):
        absolute.update(dict.fromkeys(_NETWORK, -1))
        absolute.update({'totalSecurityGroupsUsed': 0, 'totalFloatingIpsUsed': 0})
    absolute.update({'totalInstancesUsed': len(live),
                     'totalCoresUsed': sum(i['vcpus'] for i in live),
                     'totalRAMUsed': sum(i['memory_mb'] for i in live),
                     'totalServerGroupsUsed': 0})
    return wsgi.json_response({'limits': {'rate': [], 'absolute': absolute}})
