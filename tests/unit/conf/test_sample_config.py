"""etc/novalite/novalite.conf.sample is what oslo-config-generator makes of the code."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def test_sample_config_is_current(tmp_path):
    generated = tmp_path / 'novalite.conf.sample'
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'oslo-config-generator'),
                    '--config-file', os.path.join(ROOT, 'etc/oslo-config-generator/novalite.conf'),
                    '--output-file', str(generated)], check=True, cwd=ROOT)
    with open(os.path.join(ROOT, 'etc/novalite/novalite.conf.sample')) as f:
        committed = f.read()
    assert generated.read_text() == committed, 'run: tox -e genconfig'
