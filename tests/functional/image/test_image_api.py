"""The Image API v2 through the paste app: what openstacksdk and the CLI use."""

import hashlib

DATA = b'novalite image data ' * 1000


def test_versions_document_lists_v2_as_current(client):
    resp = client.request('GET', '/versions')
    assert resp.status_int == 200
    current = [v for v in resp.json_body['versions'] if v['status'] == 'CURRENT']
    assert current[0]['id'].startswith('v2.')
    assert current[0]['links'][0]['href'] == 'http://localhost/v2/'


def test_root_answers_multiple_choices_without_a_token(client):
    resp = client.as_user(None).request('GET', '/')
    assert resp.status_int == 300
    assert resp.json_body['versions']


def test_create_returns_a_queued_image_owned_by_the_project(client):
    resp = client.request('POST', '/v2/images', {'name': 'cirros', 'disk_format': 'qcow2',
                                                  'container_format': 'bare', 'os_distro': 'x'})
    assert resp.status_int == 201
    image = resp.json_body
    assert resp.headers['Location'].endswith(f"/v2/images/{image['id']}")
    assert (image['status'], image['owner'], image['visibility']) == ('queued', 'demo',
                                                                       'shared')
    assert image['os_distro'] == 'x'
    assert image['file'] == f"/v2/images/{image['id']}/file"


def test_create_with_a_read_only_attribute_is_forbidden(client):
    resp = client.request('POST', '/v2/images', {'name': 'x', 'status': 'active'})
    assert resp.status_int == 403
    assert "Attribute 'status' is read-only." in resp.json_body['message']
    assert client.request('GET', '/v2/images').json_body['images'] == []


def test_create_with_an_unknown_disk_format_is_refused(client):
    resp = client.request('POST', '/v2/images', {'name': 'x', 'disk_format': 'floppy'})
    assert resp.status_int == 400


def test_public_image_creation_needs_an_admin(client, admin):
    assert client.request('POST', '/v2/images', {'visibility': 'public'}).status_int == 403
    assert admin.request('POST', '/v2/images', {'visibility': 'public'}).status_int == 201


def test_upload_makes_the_image_active_with_md5_and_sha512(client):
    image = client.create(name='img')
    assert client.upload(image['id'], DATA).status_int == 204
    shown = client.request('GET', f"/v2/images/{image['id']}").json_body
    assert shown['status'] == 'active'
    assert shown['size'] == len(DATA)
    assert shown['checksum'] == hashlib.md5(DATA).hexdigest()
    assert (shown['os_hash_algo'], shown['os_hash_value']) == (
        'sha512', hashlib.sha512(DATA).hexdigest())


def test_download_returns_the_uploaded_bytes_with_content_md5(client):
    image = client.create(name='img')
    client.upload(image['id'], DATA)
    resp = client.request('GET', f"/v2/images/{image['id']}/file")
    assert resp.status_int == 200
    assert resp.body == DATA
    assert resp.headers['Content-MD5'] == hashlib.md5(DATA).hexdigest()


def test_download_of_an_image_without_data_is_no_content(client):
    image = client.create(name='img')
    assert client.request('GET', f"/v2/images/{image['id']}/file").status_int == 204


def test_second_upload_conflicts_and_keeps_the_first_data(client):
    image = client.create(name='img')
    client.upload(image['id'], DATA)
    assert client.upload(image['id'], b'other').status_int == 409
    assert client.request('GET', f"/v2/images/{image['id']}/file").body == DATA


def test_upload_without_formats_is_refused_and_leaves_the_image_queued(client):
    image = client.request('POST', '/v2/images', {'name': 'bare'}).json_body
    assert client.upload(image['id'], DATA).status_int == 400
    assert client.request('GET', f"/v2/images/{image['id']}").json_body['status'] == 'queued'


def test_upload_past_the_size_cap_is_refused_and_leaves_the_image_queued(client, conf):
    conf.set_override('image_size_cap', 100, group='image')
    image = client.create(name='img')
    assert client.upload(image['id'], DATA).status_int == 413
    assert client.request('GET', f"/v2/images/{image['id']}").json_body['status'] == 'queued'


def test_upload_with_a_json_content_type_is_unsupported(client):
    image = client.create(name='img')
    resp = client.request('PUT', f"/v2/images/{image['id']}/file", b'x')
    assert resp.status_int == 415


def test_list_filters_by_name_and_property(client):
    client.create(name='a', os_distro='debian')
    client.create(name='b', os_distro='cirros')

    def names(query):
        return [i['name'] for i in client.request('GET', '/v2/images' + query)
                .json_body['images']]
    assert names('?name=a') == ['a']
    assert names('?os_distro=cirros') == ['b']
    assert sorted(names('?name=in:a,b')) == ['a', 'b']


def test_list_filters_by_status_and_size(client):
    active = client.create(name='active')
    client.upload(active['id'], DATA)
    client.create(name='queued')
    images = client.request('GET', '/v2/images?status=active').json_body['images']
    assert [i['name'] for i in images] == ['active']
    assert client.request('GET', f'/v2/images?size_min={len(DATA) + 1}') \
        .json_body['images'] == []


def test_list_sorts_by_name_both_ways(client):
    for name in ('b', 'c', 'a'):
        client.create(name=name)
    asc = client.request('GET', '/v2/images?sort=name:asc').json_body['images']
    desc = client.request('GET', '/v2/images?sort_key=name&sort_dir=desc').json_body['images']
    assert [i['name'] for i in asc] == ['a', 'b', 'c']
    assert [i['name'] for i in desc] == ['c', 'b', 'a']


def test_list_with_an_unknown_sort_key_is_refused(client):
    assert client.request('GET', '/v2/images?sort_key=colour').status_int == 400


def test_list_pages_with_limit_and_marker_following_next(client):
    for name in 'abcde':
        client.create(name=name)
    seen, path = [], '/v2/images?sort=name:asc&limit=2'
    while path:
        body = client.request('GET', path).json_body
        seen += [i['name'] for i in body['images']]
        path = body.get('next')
    assert seen == list('abcde')


def test_list_with_an_unknown_marker_is_refused(client):
    resp = client.request('GET', '/v2/images?marker=00000000-0000-0000-0000-000000000000')
    assert resp.status_int == 400


def test_other_projects_see_only_public_images(client, admin):
    client.create(name='mine')
    admin.create(name='public', visibility='public')
    other = client.as_user('other:other')
    assert [i['name'] for i in other.request('GET', '/v2/images').json_body['images']] == [
        'public']


def test_another_projects_private_image_is_not_found(client):
    image = client.create(name='mine', visibility='private')
    other = client.as_user('other:other')
    assert other.request('GET', f"/v2/images/{image['id']}").status_int == 404


def test_patch_replaces_name_and_adds_and_removes_properties(client):
    image = client.create(name='old', os_distro='debian')
    resp = client.patch(image['id'], [
        {'op': 'replace', 'path': '/name', 'value': 'new'},
        {'op': 'add', 'path': '/hw_qemu_guest_agent', 'value': 'yes'},
        {'op': 'remove', 'path': '/os_distro'}])
    assert resp.status_int == 200
    assert resp.json_body['name'] == 'new'
    assert resp.json_body['hw_qemu_guest_agent'] == 'yes'
    assert 'os_distro' not in resp.json_body


def test_patch_with_plain_json_is_an_unsupported_media_type(client):
    image = client.create(name='old')
    resp = client.patch(image['id'], [{'op': 'replace', 'path': '/name', 'value': 'new'}],
                        content_type='application/json')
    assert resp.status_int == 415


def test_patch_of_a_read_only_attribute_is_forbidden_and_changes_nothing(client):
    image = client.create(name='old')
    resp = client.patch(image['id'], [{'op': 'replace', 'path': '/name', 'value': 'new'},
                                      {'op': 'replace', 'path': '/status', 'value': 'active'}])
    assert resp.status_int == 403
    assert client.request('GET', f"/v2/images/{image['id']}").json_body['name'] == 'old'


def test_patch_by_another_project_is_forbidden(client, admin):
    image = admin.create(name='public', visibility='public')
    resp = client.patch(image['id'], [{'op': 'replace', 'path': '/name', 'value': 'mine'}])
    assert resp.status_int == 403


def test_delete_removes_the_image_and_its_data(client):
    image = client.create(name='img')
    client.upload(image['id'], DATA)
    assert client.request('DELETE', f"/v2/images/{image['id']}").status_int == 204
    assert client.request('GET', f"/v2/images/{image['id']}").status_int == 404


def test_delete_of_a_protected_image_is_forbidden(client):
    image = client.create(name='img', protected=True)
    assert client.request('DELETE', f"/v2/images/{image['id']}").status_int == 403
    assert client.request('GET', f"/v2/images/{image['id']}").status_int == 200


def test_tags_are_added_filtered_on_and_removed(client):
    image = client.create(name='img')
    assert client.request('PUT', f"/v2/images/{image['id']}/tags/gold").status_int == 204
    assert len(client.request('GET', '/v2/images?tag=gold').json_body['images']) == 1
    assert client.request('DELETE', f"/v2/images/{image['id']}/tags/gold").status_int == 204
    assert client.request('GET', '/v2/images?tag=gold').json_body['images'] == []


def test_requests_without_a_token_get_no_images(client):
    resp = client.as_user(None).request('GET', '/v2/images')
    assert 'images' not in (resp.json_body_or_none or {})
