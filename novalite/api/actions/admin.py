"""Administrators' and deferred-delete actions: os-resetState, restore, forceDelete."""

from novalite.api import servers, wsgi
from novalite.api.actions import Action
from novalite.api.policies import admin as rules
from novalite.compute import admin_actions


def _reset_state(req, ctx, instance, body):
    admin_actions.reset_state(ctx, instance, body['os-resetState']['state'])
    return wsgi.empty_response(202)


def _restore(req, ctx, instance, body):
    servers.COMPUTE.restore(ctx, instance)
    return wsgi.empty_response(202)


def _force_delete(req, ctx, instance, body):
    servers.COMPUTE.force_delete(ctx, instance)
    return wsgi.empty_response(202)


ACTIONS = {
    'os-resetState': Action(rules.RESET_STATE, _reset_state),
    'restore': Action(rules.RESTORE, _restore),
    'forceDelete': Action(rules.FORCE_DELETE, _force_delete),
}
