"""A daemon or tool missing something says what and how to fix it in one line, exit 1."""

import os
import subprocess
import sys

BIN = os.path.dirname(sys.executable)


def _run(tool, conf, *args):
    done = subprocess.run([os.path.join(BIN, tool), '--config-file', str(conf), *args],
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stderr.strip()


def _one_line(stderr):
    assert 'Traceback' not in stderr
    [line] = [text for text in stderr.splitlines() if 'ERROR:' in text]
    return line


def test_db_sync_into_a_missing_directory_names_it(tmp_path):
    conf = tmp_path / 'novalite.conf'
    conf.write_text(f'[database]\nconnection = sqlite:///{tmp_path}/no/such/dir/n.sqlite\n')
    code, stderr = _run('novalite-manage', conf, 'db', 'sync')
    assert code == 1
    assert f'create the directory {tmp_path}/no/such/dir' in _one_line(stderr)


def test_compute_with_libvirt_and_no_libvirtd_says_start_it(tmp_path):
    conf = tmp_path / 'compute.conf'
    conf.write_text('[DEFAULT]\ncompute_driver = libvirt\ntransport_url = fake:/\n'
                    f'[libvirt]\nconnection_uri = qemu:///system?socket={tmp_path}/libvirt-sock\n')
    code, stderr = _run('novalite-compute', conf)
    assert code == 1
    assert 'libvirtd is not running' in _one_line(stderr)


def test_a_daemon_given_a_missing_config_file_says_so(tmp_path):
    code, stderr = _run('novalite-api', tmp_path / 'missing.conf')
    assert code == 1
    assert 'missing.conf' in _one_line(stderr)
