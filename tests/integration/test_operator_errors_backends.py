"""novalite-manage against a database server without novalite's database: one line, exit 1."""

import os
import subprocess
import sys

import pytest

BIN = os.path.dirname(sys.executable)


@pytest.mark.integration
@pytest.mark.parametrize('url', ['mysql+pymysql://root@127.0.0.1/novalite_never_created',
                                 'postgresql+psycopg://postgres@127.0.0.1/novalite_never_created'])
def test_db_sync_against_a_missing_database_says_create_it(tmp_path, url):
    conf = tmp_path / 'novalite.conf'
    conf.write_text(f'[database]\nconnection = {url}\n')
    done = subprocess.run([os.path.join(BIN, 'novalite-manage'), '--config-file', str(conf),
                           'db', 'sync'], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert 'Traceback' not in done.stderr
    assert ("ERROR: the database 'novalite_never_created' does not exist"
            in done.stderr.strip().splitlines()[-1])
    assert 'CREATE DATABASE novalite_never_created' in done.stderr
