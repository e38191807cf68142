"""The API's policy rules with their defaults, one module per resource, as in Nova.

Each module defines its rule names as constants (what handlers check) and
``rules``, the defaults registered with the enforcer and written into
``etc/novalite/policy.yaml.sample``. A new resource adds its module to
:data:`_MODULES`.
"""

import itertools

from novalite.api.policies import (
    admin,
    aggregates,
    availability_zones,
    base,
    diagnostics,
    flavors,
    host_drains,
    hypervisors,
    instance_actions,
    instance_usage_audit_log,
    keypairs,
    limits,
    quotas,
    remote_consoles,
    rescue,
    server_actions,
    server_groups,
    server_images,
    server_metadata,
    server_moves,
    server_password,
    server_rebuild,
    server_tags,
    servers,
    services,
    simple_tenant_usage,
    volume_attachments,
)

_MODULES = (base, servers, server_actions, server_moves, server_rebuild, server_metadata,
            server_tags, instance_actions, server_groups, flavors, keypairs, limits,
            availability_zones, aggregates, hypervisors, services, volume_attachments, admin,
            remote_consoles, diagnostics, quotas, simple_tenant_usage, server_images,
            host_drains, instance_usage_audit_log, rescue, server_password)


def list_rules():
    """Every rule default, for the enforcer and ``oslopolicy-sample-generator``."""
    return list(itertools.chain.from_iterable(module.rules for module in _MODULES))
