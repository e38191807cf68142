"""os-extra_specs: a flavor's key/value extra specs.

Anyone who may see the flavor reads them; admins write them. Numbers are
stored as strings and the body is echoed back as sent, as in Nova. From
2.86 keys in the namespaces Nova knows are validated
(:mod:`novalite.api.extra_spec_validation`).
"""

from novalite import exception
from novalite.api import extra_spec_validation, flavors, microversion, policy, validation, wsgi
from novalite.api.policies import flavors as rules
from novalite.api.schemas import flavor_extra_specs as schemas
from novalite.db import flavors as db_flavors


def _specs(req, flavor_id):
    return flavors.get_visible(wsgi.context(req), flavor_id)['extra_specs']


def _stored(req, specs):
    """``specs`` as the strings the table holds, validated for the request's version."""
    stored = {}
    for key, value in specs.items():
        text = str(value)
        if len(text) > 255:
            raise exception.Invalid("extra_specs value has more than 255 characters.")
        if microversion.is_supported(req, '2.86'):
            extra_spec_validation.validate(key, text)
        stored[key] = text
    return stored


@policy.require(rules.EXTRA_SPECS % 'index')
def index(req, flavor_id):
    return wsgi.json_response({'extra_specs': _specs(req, flavor_id)})


@policy.require(rules.EXTRA_SPECS % 'create')
@validation.body(schemas.create)
def create(req, flavor_id):
    body = validation.load_body(req)
    db_flavors.extra_specs_update(flavor_id, _stored(req, body['extra_specs']))
    return wsgi.json_response(body)


@policy.require(rules.EXTRA_SPECS % 'show')
def show(req, flavor_id, key):
    specs = _specs(req, flavor_id)
    if key not in specs:
        raise exception.FlavorExtraSpecNotFound(flavor_id=flavor_id, key=key)
    return wsgi.json_response({key: specs[key]})


@policy.require(rules.EXTRA_SPECS % 'update')
@validation.body(schemas.update)
def update(req, flavor_id, key):
    body = validation.load_body(req)
    if key not in body:
        raise exception.Invalid("Request body and URI mismatch")
    db_flavors.extra_specs_update(flavor_id, _stored(req, body))
    return wsgi.json_response(body)


@policy.require(rules.EXTRA_SPECS % 'delete')
def delete(req, flavor_id, key):
    db_flavors.extra_spec_delete(flavor_id, key)
    return wsgi.empty_response(200)
