"""Who sees and boots which flavor: public / private with access / private without,
for an admin, the project given access, and another project."""

import pytest

from novalite.db import flavors as db_flavors
from tests.functional.api.conftest import boot_body

_FLAVORS = {'public': True, 'granted': False, 'withheld': False}

# flavor -> caller -> expected (show status, boot status)
_MATRIX = {
    'public': {'admin': (200, 202), 'demo': (200, 202), 'other': (200, 202)},
    'granted': {'admin': (200, 202), 'demo': (200, 202), 'other': (404, 400)},
    'withheld': {'admin': (200, 202), 'demo': (404, 400), 'other': (404, 400)},
}
_CASES = [(flavor, caller, *codes) for flavor, row in _MATRIX.items()
          for caller, codes in row.items()]


@pytest.fixture
def flavors(db):
    for name, is_public in _FLAVORS.items():
        db_flavors.flavor_create({'flavorid': name, 'name': name, 'memory_mb': 512,
                                  'vcpus': 1, 'root_gb': 1, 'is_public': is_public})
    db_flavors.access_add('granted', 'demo')


@pytest.mark.parametrize('flavor, caller, show_status, boot_status', _CASES)
def test_flavor_visibility_and_use_follow_access(api, flavors, image, compute_host, flavor,
                                                 caller, show_status, boot_status):
    client = api.as_user(f'{caller}:{caller}')
    assert client.get(f'/flavors/{flavor}').status_int == show_status
    listed = {f['id'] for f in client.get('/flavors').json['flavors']}
    assert (flavor in listed) == (show_status == 200 and (caller != 'admin' or
                                                         _FLAVORS[flavor]))
    resp = client.post('/servers', boot_body(image, flavor_id=flavor))
    assert resp.status_int == boot_status
    servers = client.get('/servers').json['servers']
    assert len(servers) == (1 if boot_status == 202 else 0)
