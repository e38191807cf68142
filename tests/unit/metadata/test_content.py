"""What meta_data.json says of an instance's name and key: Nova's InstanceMetadata."""

from novalite import crypto
from novalite.metadata import content, ec2

INSTANCE = {'uuid': 'u1', 'id': 1, 'hostname': 'web', 'display_name': 'Web',
            'key_name': 'k', 'key_data': 'ssh-ed25519 AAAA k@desk'}


def test_the_hostname_gets_the_dhcp_domain():
    assert content.hostname(INSTANCE, 'novalocal') == 'web.novalocal'


def test_an_empty_dhcp_domain_leaves_the_hostname_alone():
    assert content.hostname(dict(INSTANCE, hostname='db.example.com'), '') == 'db.example.com'


def test_the_dhcp_domain_defaults_to_the_option(conf):
    conf.set_override('dhcp_domain', 'lab', group='api')
    assert content.meta_data(INSTANCE)['hostname'] == 'web.lab'
    tree = ec2.tree(INSTANCE, 'latest', None)['meta-data']
    assert tree['hostname'] == tree['local-hostname'] == 'web.lab'


def test_nova_s_default_dhcp_domain_is_novalocal(conf):
    assert content.meta_data(INSTANCE)['hostname'] == 'web.novalocal'


def test_a_pem_certificate_is_an_x509_key():
    _private, certificate = crypto.generate_x509_pair('user', 'project')
    assert content.key_type(certificate) == 'x509'
    [key] = content.meta_data(dict(INSTANCE, key_data=certificate), dhcp_domain='')['keys']
    assert key == {'name': 'k', 'type': 'x509', 'data': certificate}


def test_an_openssh_public_key_is_an_ssh_key():
    assert content.key_type(INSTANCE['key_data']) == 'ssh'
