"""Power, lock, reboot, console output and crash-dump actions."""

from novalite.api import microversion, policy, remote_consoles, servers, wsgi
from novalite.api.actions import Action
from novalite.api.policies import remote_consoles as console_rules
from novalite.api.policies import server_actions as action_rules
from novalite.api.policies import servers as server_rules


def _transition(name):
    def run(req, ctx, instance, body):
        servers.COMPUTE.act(ctx, instance, name)
        return wsgi.empty_response(202)
    return run


def _lock(req, ctx, instance, body):
    reason = None
    if microversion.is_supported(req, '2.73'):
        reason = (body['lock'] or {}).get('locked_reason')
    servers.COMPUTE.set_locked(ctx, instance, True, reason)
    return wsgi.empty_response(202)


def _unlock(req, ctx, instance, body):
    # Lifting a lock the other side set takes unlock_override (403 without it).
    if not servers.COMPUTE.is_expected_locked_by(ctx, instance):
        policy.authorize(ctx, action_rules.UNLOCK_OVERRIDE,
                         {'project_id': instance['project_id'],
                          'user_id': instance['user_id']})
    servers.COMPUTE.set_locked(ctx, instance, False)
    return wsgi.empty_response(202)


def _reboot(req, ctx, instance, body):
    servers.COMPUTE.reboot(ctx, instance, body['reboot']['type'].upper())
    return wsgi.empty_response(202)


def _console_output(req, ctx, instance, body):
    length = (body['os-getConsoleOutput'] or {}).get('length')
    length = None if length is None or int(length) < 0 else int(length)
    output = servers.COMPUTE.get_console_output(ctx, instance, tail_length=length)
    return wsgi.json_response({'output': output})


def _crash_dump(req, ctx, instance, body):
    servers.COMPUTE.trigger_crash_dump(ctx, instance)
    return wsgi.empty_response(202)


ACTIONS = {
    'os-start': Action(server_rules.START, _transition('start')),
    'os-stop': Action(server_rules.STOP, _transition('stop')),
    'pause': Action(action_rules.PAUSE, _transition('pause')),
    'unpause': Action(action_rules.UNPAUSE, _transition('unpause')),
    'suspend': Action(action_rules.SUSPEND, _transition('suspend')),
    'resume': Action(action_rules.RESUME, _transition('resume')),
    'lock': Action(action_rules.LOCK, _lock),
    'unlock': Action(action_rules.UNLOCK, _unlock),
    'reboot': Action(server_rules.REBOOT, _reboot),
    'os-getConsoleOutput': Action(action_rules.CONSOLE_OUTPUT, _console_output),
    'trigger_crash_dump': Action(action_rules.CRASH_DUMP, _crash_dump, ('2.17', None)),
    'os-getVNCConsole': Action(console_rules.REMOTE_CONSOLES, remote_consoles.legacy_action(
        'os-getVNCConsole'), ('2.0', '2.5')),
    'os-getSerialConsole': Action(console_rules.REMOTE_CONSOLES, remote_consoles.legacy_action(
        'os-getSerialConsole'), ('2.0', '2.5')),
}
