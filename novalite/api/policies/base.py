"""The base rules every API rule is built from: Nova's personas.

Nova's current defaults: every rule is project-scoped (a system-scoped token
gets 403 while ``[oslo_policy] enforce_scope`` is on, its default), and a
rule names the least persona that may act:

* ``ADMIN``: the ``admin`` role, on any project (global resources).
* ``PROJECT_MANAGER_OR_ADMIN``: ``manager`` on the resource's project.
* ``PROJECT_MEMBER_OR_ADMIN``: ``member`` on the resource's project (writes).
* ``PROJECT_READER_OR_ADMIN``: ``reader`` on the resource's project (reads).

Keystone's bootstrap makes ``admin`` imply ``manager``, ``manager`` imply
``member`` and ``member`` imply ``reader``, so tokens carry the roles below
the one assigned.
"""

from oslo_policy import policy

ANY = '@'
NOBODY = '!'
ADMIN = 'rule:context_is_admin'
PROJECT_MANAGER_OR_ADMIN = 'rule:project_manager_or_admin'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'


def rule(name, check_str, description, *operations):
    """A project-scoped documented rule; ``operations`` are ``'METHOD /path'`` strings."""
    methods_paths = (op.split(' ', 1) for op in operations)
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': method, 'path': path} for method, path in methods_paths],
        scope_types=['project'])


rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       "Decides what is required for the 'is_admin:True' check to succeed."),
    policy.RuleDefault('admin_api', 'is_admin:True',
                       "Legacy rule for administrator APIs, kept so that policy files "
                       "written for Nova that refer to it still load."),
    policy.RuleDefault('admin_or_owner', 'is_admin:True or project_id:%(project_id)s',
                       "Legacy rule for project APIs, kept so that policy files written "
                       "for Nova that refer to it still load."),
    policy.RuleDefault('project_manager_api', 'role:manager and project_id:%(project_id)s',
                       "Default rule for project level management APIs."),
    policy.RuleDefault('project_member_api', 'role:member and project_id:%(project_id)s',
                       "Default rule for project level non admin APIs."),
    policy.RuleDefault('project_reader_api', 'role:reader and project_id:%(project_id)s',
                       "Default rule for project level read only APIs."),
    policy.RuleDefault('project_manager_or_admin',
                       'rule:project_manager_api or rule:context_is_admin',
                       "Default rule for project manager or admin APIs."),
    policy.RuleDefault('project_member_or_admin',
                       'rule:project_member_api or rule:context_is_admin',
                       "Default rule for project member or admin APIs."),
    policy.RuleDefault('project_reader_or_admin',
                       'rule:project_reader_api or rule:context_is_admin',
                       "Default rule for project reader or admin APIs."),
]
