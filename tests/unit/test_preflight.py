"""Start-up checks: what is missing is one line with its fix, and exit status 1."""

import socket
import sys

import pytest

from novalite import preflight


@pytest.fixture
def libvirt_conf(conf, tmp_path):
    conf.set_override('compute_driver', 'libvirt')
    conf.set_override('connection_uri', f'qemu:///system?socket={tmp_path}/libvirt-sock',
                      group='libvirt')
    return conf


def _listen(path):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    return server


def test_libvirt_driver_without_the_binding_names_the_extra(libvirt_conf, monkeypatch):
    monkeypatch.setitem(sys.modules, 'libvirt', None)
    with pytest.raises(preflight.Missing, match=r"pip install 'novalite\[libvirt\]'"):
        preflight.libvirt_host(libvirt_conf)


def test_libvirt_driver_without_libvirtd_says_start_it(libvirt_conf, tmp_path):
    with pytest.raises(preflight.Missing, match='libvirtd is not running.*systemctl start'):
        preflight.libvirt_host(libvirt_conf)


def test_libvirt_driver_without_virtlogd_says_start_it(libvirt_conf, tmp_path):
    daemon = _listen(tmp_path / 'libvirt-sock')
    try:
        with pytest.raises(preflight.Missing, match='virtlogd is not running'):
            preflight.libvirt_host(libvirt_conf)
    finally:
        daemon.close()


def test_libvirt_driver_with_both_daemons_passes(libvirt_conf, tmp_path):
    daemons = [_listen(tmp_path / name) for name in ('libvirt-sock', 'virtlogd-sock')]
    try:
        preflight.libvirt_host(libvirt_conf)
    finally:
        for daemon in daemons:
            daemon.close()


def test_fake_driver_needs_no_libvirt(conf, monkeypatch):
    monkeypatch.setitem(sys.modules, 'libvirt', None)
    preflight.libvirt_host(conf)


def test_operator_error_is_one_line_on_stderr_and_exit_1(capsys, monkeypatch):
    monkeypatch.setattr(sys, 'argv', ['novalite-compute'])

    @preflight.operator_errors
    def main():
        raise preflight.Missing('virtlogd is not running: start it')

    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == 'novalite-compute: ERROR: virtlogd is not running: start it\n'


def test_missing_database_is_one_line_naming_it(capsys, conf, monkeypatch):
    from oslo_db import exception as db_exc
    monkeypatch.setattr(sys, 'argv', ['novalite-conductor'])
    conf.set_override('connection', 'mysql+pymysql://nova:secret@db/novalite', group='database')

    @preflight.operator_errors
    def main():
        raise db_exc.DBNonExistentDatabase('novalite', None)

    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.startswith(
        "novalite-conductor: ERROR: the database 'novalite' does not exist on "
        "mysql+pymysql://nova:***@db/novalite: create it")


def test_other_errors_pass_through_unchanged(monkeypatch):
    @preflight.operator_errors
    def main():
        raise KeyError('not an operator error')

    with pytest.raises(KeyError):
        main()
