"""A restarted host's clean-up after the servers evacuated away while it was down."""

from unittest import mock

import pytest

from novalite import objects
from novalite.compute import rebuild
from novalite.virt import fake
from tests.unit.objects.payloads import EVACUATION, EVACUATION_1_6, UUID


@pytest.mark.parametrize('record', [EVACUATION, EVACUATION_1_6], ids=['1.11', '1.6'])
def test_an_evacuated_server_s_guest_goes_whichever_conductor_read_the_record(record):
    conductor = mock.Mock()
    conductor.migration_get_evacuations.return_value = [objects.Migration.from_dict(record)]
    conductor.instance_get.return_value = {'uuid': UUID, 'host': 'compute2'}
    driver = mock.Mock(spec=fake.FakeDriver)
    assert rebuild.destroy_evacuated(mock.Mock(), 'compute1', driver, conductor) == [UUID]
    driver.destroy.assert_called_once()
    conductor.migration_update.assert_called_once_with(
        mock.ANY, EVACUATION['uuid'], {'status': 'completed'})
