"""API policy: the enforcer that checks the rules of :mod:`novalite.api.policies`.

Operators override rules in ``policy.yaml`` (``[oslo_policy] policy_file``,
looked for next to the config files); rule names are Nova's, so a Nova
policy file carries over.

Checks are cheap because nothing is redone per request: the file is read
once, when the first check builds the enforcer (oslo.policy would otherwise
look for it and stat it on every check), and each decision is remembered by
its rule, credentials and target, since evaluating a rule costs a few
hundred microseconds (oslo.policy inspects every nested check's signature).
A changed file takes effect at the next start, or :func:`reset`.
"""

import functools

from oslo_log import log as logging
from oslo_policy import opts as policy_opts
from oslo_policy import policy

from novalite import exception
from novalite.api import policies
from novalite.conf import CONF

LOG = logging.getLogger(__name__)

policy_opts.set_defaults(CONF, 'policy.yaml')

_ENFORCER = None


def _enforcer():
    global _ENFORCER
    if _ENFORCER is None:
        enforcer = policy.Enforcer(CONF)
        enforcer.register_defaults(policies.list_rules())
        enforcer.load_rules()
        # Rules are in memory now; no more looking for the file per check.
        enforcer.use_conf = False
        _ENFORCER = enforcer
    return _ENFORCER


def get_enforcer():
    """The enforcer for oslo.policy's command line tools (``oslopolicy-checker``...)."""
    CONF([], project='novalite')
    return _enforcer()


def reset():
    """Forget the enforcer, its rules and decisions (tests, or a changed policy file)."""
    global _ENFORCER
    _ENFORCER = None
    _allowed.cache_clear()


def _frozen(values):
    """``values`` as a hashable key: sorted items, lists (roles) as tuples."""
    return tuple(sorted((key, tuple(value) if isinstance(value, list) else value)
                        for key, value in values.items()))


@functools.lru_cache(maxsize=8192)
def _allowed(rule, credentials, target):
    creds = {key: list(value) if isinstance(value, tuple) else value
             for key, value in credentials}
    # do_raise=False: a scope that does not fit the rule's (a system-scoped
    # token on a project rule, with enforce_scope on) is a plain no.
    allowed = _enforcer().authorize(rule, dict(target), creds, do_raise=False)
    if not allowed:
        LOG.debug("Policy check for %s failed for %s", rule, creds)
    return bool(allowed)


def authorize(context, rule, target=None):
    """Check ``rule`` for ``context`` against ``target`` (default: the caller's project).

    :raises Forbidden: the policy says no, or the token's scope does not fit
        the rule's (a system-scoped token on a project rule).
    :raises PolicyNotRegistered: ``rule`` has no default (a programming error).
    """
    if target is None:
        target = {'project_id': context.project_id, 'user_id': context.user_id}
    credentials = context.to_policy_values()
    credentials['is_admin'] = context.is_admin
    if not _allowed(rule, _frozen(credentials), _frozen(target)):
        raise exception.Forbidden(action=rule)


def check(context, rule, target=None):
    """Like :func:`authorize` but returns a bool."""
    try:
        authorize(context, rule, target)
    except exception.Forbidden:
        return False
    return True


def is_admin(context):
    """Whether ``context_is_admin`` (by default: the ``admin`` role) passes."""
    return check(context, 'context_is_admin')


def require(rule):
    """Decorator: the handler runs only for callers ``rule`` allows (403 otherwise)."""
    def decorator(handler):
        @functools.wraps(handler)
        def wrapper(req, *args, **kwargs):
            authorize(req.environ['novalite.context'], rule)
            return handler(req, *args, **kwargs)
        return wrapper
    return decorator
