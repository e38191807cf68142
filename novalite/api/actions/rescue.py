"""Rescue, unrescue and changePassword (the guest agent's password change)."""

from novalite import exception
from novalite.api import microversion, servers, wsgi
from novalite.api.actions import Action
from novalite.api.policies import rescue as rescue_rules
from novalite.compute import create as compute_create
from novalite.compute import rescue_actions
from novalite.conf import CONF


def _rescue(req, ctx, instance, body):
    options = body['rescue'] or {}
    password = options.get('adminPass') or compute_create.generate_password()
    rescue_actions.rescue(ctx, servers.COMPUTE.compute_rpcapi, servers.COMPUTE.image_service,
                          instance, password, options.get('rescue_image_ref'),
                          allow_bfv_rescue=microversion.is_supported(req, '2.87'))
    # Nova answers 200 with the password (or an empty body when it keeps it).
    return wsgi.json_response({'adminPass': password}
                              if CONF.api.enable_instance_password else {})


def _unrescue(req, ctx, instance, body):
    rescue_actions.unrescue(ctx, servers.COMPUTE.compute_rpcapi, instance)
    return wsgi.empty_response(202)


def _change_password(req, ctx, instance, body):
    try:
        rescue_actions.set_admin_password(ctx, servers.COMPUTE.compute_rpcapi, instance,
                                          body['changePassword']['adminPass'])
    except exception.QemuGuestAgentNotEnabled as exc:
        # Nova answers every "no agent" with 409 here.
        raise exception.InstanceAgentNotEnabled(exc.format_message()) from None
    return wsgi.empty_response(202)


ACTIONS = {
    'rescue': Action(rescue_rules.RESCUE, _rescue),
    'unrescue': Action(rescue_rules.UNRESCUE, _unrescue),
    'changePassword': Action(rescue_rules.ADMIN_PASSWORD, _change_password),
}
