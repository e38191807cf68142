"""``/limits``: the caller's project's absolute limits and what it uses.

Rate limits are gone from Nova (always ``[]``). Admins may ask for another
project with ``tenant_id``. The network limits go at 2.36, ``maxImageMeta``
at 2.39 and the personality limits at 2.57, as in Nova.
"""

from novalite import quota
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import limits as rules
from novalite.api.schemas import limits as schemas

_ABSOLUTE = (
    ('ram', 'maxTotalRAMSize'), ('instances', 'maxTotalInstances'),
    ('cores', 'maxTotalCores'), ('key_pairs', 'maxTotalKeypairs'),
    ('floating_ips', 'maxTotalFloatingIps'), ('metadata_items', 'maxServerMeta'),
    ('metadata_items', 'maxImageMeta'), ('injected_files', 'maxPersonality'),
    ('injected_file_content_bytes', 'maxPersonalitySize'),
    ('security_groups', 'maxSecurityGroups'),
    ('security_group_rules', 'maxSecurityGroupRules'),
    ('server_groups', 'maxServerGroups'), ('server_group_members', 'maxServerGroupMembers'),
)
_USED = (('ram', 'totalRAMUsed'), ('cores', 'totalCoresUsed'),
         ('instances', 'totalInstancesUsed'), ('floating_ips', 'totalFloatingIpsUsed'),
         ('security_groups', 'totalSecurityGroupsUsed'),
         ('server_groups', 'totalServerGroupsUsed'))
_NETWORK = ('floating_ips', 'security_groups', 'security_group_rules')
_PERSONALITY = ('injected_files', 'injected_file_content_bytes')


def _hidden(req):
    hidden = set()
    if microversion.is_supported(req, '2.36'):
        hidden.update(_NETWORK)
    if microversion.is_supported(req, '2.57'):
        hidden.update(_PERSONALITY)
    return hidden


def _project(req):
    ctx = wsgi.context(req)
    schema = schemas.query_v275 if microversion.is_supported(req, '2.75') else schemas.query
    requested = validation.query(req, schema).get('tenant_id')
    if requested and requested != ctx.project_id:
        # Nova quietly answers with the caller's own limits when the policy says no.
        if policy.check(ctx, rules.OTHER_PROJECT):
            return requested
    return ctx.project_id


@policy.require(rules.SHOW)
def index(req):
    project_id = _project(req)
    limits, usages = quota.get_limits(project_id), quota.get_usages(project_id)
    hidden = _hidden(req)
    absolute = {name: limits[resource] for resource, name in _ABSOLUTE
                if resource not in hidden}
    if microversion.is_supported(req, '2.39'):
        absolute.pop('maxImageMeta')
    absolute.update({name: usages[resource] for resource, name in _USED
                     if resource not in hidden})
    return wsgi.json_response({'limits': {'rate': [], 'absolute': absolute}})
