"""os-flavor-access: which projects may see and boot a private flavor (admins only).

``GET /flavors/{id}/os-flavor-access`` lists them; the flavor action
``addTenantAccess``/``removeTenantAccess`` grants and revokes. From 2.7 a
public flavor refuses a grant (409), as it would change nothing.
"""

from novalite import exception
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import flavors as rules
from novalite.api.schemas import flavor_access as schemas
from novalite.db import flavors as db_flavors


def _listing(flavor_id, projects):
    return wsgi.json_response({'flavor_access': [
        {'flavor_id': flavor_id, 'tenant_id': project} for project in projects]})


@policy.require(rules.ACCESS)
def index(req, flavor_id):
    flavor = db_flavors.flavor_get_by_flavorid(flavor_id)
    if flavor['is_public']:
        raise exception.NotFound("Access list not available for public flavors.")
    return _listing(flavor_id, db_flavors.access_get(flavor_id))


def _add(req, flavor_id, body):
    policy.authorize(wsgi.context(req), rules.ACCESS_ADD)
    validation.validate(schemas.add_tenant_access, body)
    flavor = db_flavors.flavor_get_by_flavorid(flavor_id)
    if flavor['is_public'] and microversion.is_supported(req, '2.7'):
        raise exception.Conflict("Can not add access to a public flavor.")
    db_flavors.access_add(flavor_id, body['addTenantAccess']['tenant'])
    return _listing(flavor_id, db_flavors.access_get(flavor_id))


def _remove(req, flavor_id, body):
    policy.authorize(wsgi.context(req), rules.ACCESS_REMOVE)
    validation.validate(schemas.remove_tenant_access, body)
    db_flavors.access_remove(flavor_id, body['removeTenantAccess']['tenant'])
    return _listing(flavor_id, db_flavors.access_get(flavor_id))


_ACTIONS = {'addTenantAccess': _add, 'removeTenantAccess': _remove}


def action(req, flavor_id):
    """``POST /flavors/{id}/action``: the body's one key names the action."""
    body = validation.load_body(req)
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.Invalid("Malformed request body")
    name = next(iter(body))
    if name not in _ACTIONS:
        raise exception.Invalid(f"There is no such action: {name}")
    return _ACTIONS[name](req, flavor_id, body)
