"""The fake hypervisor keeps its guests across compute restarts, as a real one would."""

from novalite.virt import fake, power_state

INSTANCE = {'uuid': 'guest-1', 'node': 'host1', 'vcpus': 1, 'memory_mb': 64, 'root_gb': 1,
            'ephemeral_gb': 0, 'hostname': 'vm'}


def _driver():
    driver = fake.FakeDriver()
    driver.init_host('host1')
    return driver


def test_guests_and_their_power_state_outlive_the_driver(conf):
    first = _driver()
    first.spawn(None, INSTANCE, {}, [], None, [])
    first.power_off(None, INSTANCE, [])
    restarted = _driver()
    assert restarted.list_instance_uuids() == ['guest-1']
    assert restarted.get_info(INSTANCE).state == power_state.SHUTDOWN


def test_a_destroyed_guest_stays_gone_after_a_restart(conf):
    first = _driver()
    first.spawn(None, INSTANCE, {}, [], None, [])
    first.destroy(None, INSTANCE, [])
    assert _driver().list_instance_uuids() == []


def test_crash_dump_shows_on_the_fake_console(conf):
    from novalite.virt import fake
    drv = fake.FakeDriver()
    drv.init_host('h1')
    instance = {'uuid': 'u-nmi', 'hostname': 'vm', 'vcpus': 1, 'memory_mb': 1, 'root_gb': 0,
                'ephemeral_gb': 0, 'node': 'h1'}
    drv.spawn(None, instance, {}, [], None, [])
    drv.trigger_crash_dump(instance)
    assert drv.get_console_output(None, instance).splitlines()[-1] == 'NMI received'


def test_fake_diagnostics_count_the_flavors_vcpus(conf):
    from novalite.virt import fake
    drv = fake.FakeDriver()
    drv.init_host('h1')
    instance = {'uuid': 'u-diag', 'hostname': 'vm', 'vcpus': 2, 'memory_mb': 64, 'root_gb': 0,
                'ephemeral_gb': 0, 'node': 'h1'}
    drv.spawn(None, instance, {}, [], None, [])
    found = drv.get_instance_diagnostics(instance)
    assert (found['state'], found['num_cpus']) == ('running', 2)
    assert found['memory_details'] == {'maximum': 64, 'used': 64}
