"""The move commands: what each sends, and how a refused one reports."""

from tests.unit.cli.test_shell import SERVER_ID, server


def _server(fake_api):
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(SERVER_ID, 'web')})
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', None, status=202)


def _sent(fake_api):
    return fake_api.requests_to('POST', '.*/action')[0]


def test_live_migration_to_a_host_posts_os_migrate_live_at_2_25(fake_api, run):
    _server(fake_api)
    status, out, _ = run('live-migration', SERVER_ID, 'compute2')
    assert status == 0 and 'accepted' in out
    request = _sent(fake_api)
    assert request.body == {'os-migrateLive': {'host': 'compute2', 'block_migration': 'auto'}}
    assert request.headers['openstack-api-version'] == 'compute 2.25'


def test_resize_confirm_posts_confirm_resize(fake_api, run):
    _server(fake_api)
    assert run('resize-confirm', SERVER_ID)[0] == 0
    assert _sent(fake_api).body == {'confirmResize': None}


def test_migrate_without_a_host_posts_a_null_body(fake_api, run):
    _server(fake_api)
    assert run('migrate', SERVER_ID)[0] == 0
    assert _sent(fake_api).body == {'migrate': None}


def test_refused_resize_revert_is_one_line_and_a_failure(fake_api, run):
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(SERVER_ID, 'web')})
    fake_api.fault('POST', f'/servers/{SERVER_ID}/action', 400,
                   'Instance has not been resized.')
    status, _, err = run('resize-revert', SERVER_ID)
    assert status == 1 and err.count('\n') == 1 and 'has not been resized' in err
