"""API policy: oslo.policy rules with their defaults in code.

Operators override rules in ``policy.yaml`` (``[oslo_policy] policy_file``).
Rule names are Nova's, so a Nova policy file carries over.
"""

import functools

from oslo_policy import policy

from novalite import exception
from novalite.conf import CONF

ADMIN = 'rule:admin_api'
ADMIN_OR_OWNER = 'rule:admin_or_owner'

SERVERS = 'os_compute_api:servers:%s'
SERVERS_ALL_TENANTS = SERVERS % 'index:get_all_tenants'
SERVERS_FORCED_HOST = SERVERS % 'create:forced_host'
SERVERS_HOST_STATUS = SERVERS % 'show:host_status'
EXTENDED_ATTRIBUTES = 'os_compute_api:os-extended-server-attributes'
ACTIONS = 'os_compute_api:os-instance-actions'
ACTION_EVENTS = 'os_compute_api:os-instance-actions:events'
FLAVOR_CREATE = 'os_compute_api:os-flavor-manage:create'
FLAVOR_DELETE = 'os_compute_api:os-flavor-manage:delete'
SERVICES = 'os_compute_api:os-services'
HYPERVISORS = 'os_compute_api:os-hypervisors'
AZ_DETAIL = 'os_compute_api:os-availability-zone:detail'

_SERVER_RULES = ('index', 'detail', 'show', 'create', 'update', 'delete', 'start', 'stop',
                 'reboot', 'pause', 'unpause', 'suspend', 'resume', 'lock', 'unlock',
                 'console_output', 'ips')

_DEFAULTS = [
    policy.RuleDefault('context_is_admin', 'role:admin', "Who is an administrator."),
    policy.RuleDefault('admin_api', 'is_admin:True', "Administrator-only APIs."),
    policy.RuleDefault('admin_or_owner', 'is_admin:True or project_id:%(project_id)s',
                       "The project owning the resource, or an administrator."),
    policy.RuleDefault(SERVERS_ALL_TENANTS, ADMIN, "List servers of every project."),
    policy.RuleDefault(SERVERS_FORCED_HOST, ADMIN,
                       "Create a server on a given host (availability_zone 'zone:host')."),
    policy.RuleDefault(SERVERS_HOST_STATUS, ADMIN, "See host_status of servers (2.16)."),
    policy.RuleDefault(EXTENDED_ATTRIBUTES, ADMIN, "See OS-EXT-SRV-ATTR attributes of servers."),
    policy.RuleDefault(ACTIONS, ADMIN_OR_OWNER, "List and show a server's actions."),
    policy.RuleDefault(ACTION_EVENTS, ADMIN, "See the events of a server action."),
    policy.RuleDefault(FLAVOR_CREATE, ADMIN, "Create a flavor."),
    policy.RuleDefault(FLAVOR_DELETE, ADMIN, "Delete a flavor."),
    policy.RuleDefault(SERVICES, ADMIN, "List, enable, disable and delete services."),
    policy.RuleDefault(HYPERVISORS, ADMIN, "List and show hypervisors."),
    policy.RuleDefault(AZ_DETAIL, ADMIN, "List availability zones with their hosts."),
] + [policy.RuleDefault(SERVERS % name, ADMIN_OR_OWNER, f"Servers: {name}.")
     for name in _SERVER_RULES]

# Server metadata, tags, groups, aggregates, migrations, external events,
# os-hosts and the admin server actions, with Nova's rule names.
_SERVER_RESOURCE_RULES = (
    [(f'os_compute_api:server-metadata:{name}', ADMIN_OR_OWNER)
     for name in ('index', 'show', 'create', 'update', 'update_all', 'delete')]
    + [(f'os_compute_api:os-server-tags:{name}', ADMIN_OR_OWNER)
       for name in ('index', 'show', 'update', 'update_all', 'delete', 'delete_all')]
    + [(f'os_compute_api:os-server-groups:{name}', ADMIN_OR_OWNER)
       for name in ('index', 'show', 'create', 'delete')]
    + [('os_compute_api:os-server-groups:index:all_projects', ADMIN)]
    + [(f'os_compute_api:os-aggregates:{name}', ADMIN)
       for name in ('index', 'create', 'show', 'update', 'delete', 'add_host',
                    'remove_host', 'set_metadata')]
    + [('os_compute_api:os-migrations:index', ADMIN),
       ('os_compute_api:os-migrations:index:host', ADMIN),
       ('os_compute_api:os-server-external-events:create', ADMIN),
       ('os_compute_api:os-hosts:list', ADMIN),
       ('os_compute_api:os-hosts:show', ADMIN),
       ('os_compute_api:os-admin-actions:reset_state', ADMIN),
       ('os_compute_api:os-deferred-delete:force', ADMIN_OR_OWNER),
       ('os_compute_api:os-deferred-delete:restore', ADMIN_OR_OWNER)]
)
_DEFAULTS += [policy.RuleDefault(name, check_str, f"{name.split(':', 1)[1]}.")
              for name, check_str in _SERVER_RESOURCE_RULES]

_ENFORCER = None


def _enforcer():
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = policy.Enforcer(CONF)
        _ENFORCER.register_defaults(_DEFAULTS)
    return _ENFORCER


def reset():
    """Forget the enforcer (tests, or after the policy file changed)."""
    global _ENFORCER
    _ENFORCER = None


def _credentials(context):
    values = context.to_policy_values()
    values['is_admin'] = context.is_admin
    return values


def authorize(context, rule, target=None):
    """Check ``rule`` for ``context`` against ``target`` (default: the caller's project).

    :raises Forbidden: the policy says no.
    """
    if target is None:
        target = {'project_id': context.project_id, 'user_id': context.user_id}
    _enforcer().authorize(rule, target, _credentials(context), do_raise=True,
                          exc=exception.Forbidden, action=rule)


def check(context, rule, target=None):
    """Like :func:`authorize` but returns a bool."""
    try:
        authorize(context, rule, target)
    except exception.Forbidden:
        return False
    return True


def require(rule):
    """Decorator: the handler runs only for callers ``rule`` allows (403 otherwise)."""
    def decorator(handler):
        @functools.wraps(handler)
        def wrapper(req, *args, **kwargs):
            authorize(req.environ['novalite.context'], rule)
            return handler(req, *args, **kwargs)
        return wrapper
    return decorator


def list_rules():
    """For ``oslopolicy-sample-generator``."""
    return _DEFAULTS
