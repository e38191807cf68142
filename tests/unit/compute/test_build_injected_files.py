"""The personality files of a create reach the driver decoded."""

import base64

from novalite.compute import build


def test_injected_files_are_decoded_from_base64():
    spec = {'injected_files': [{'path': '/etc/motd',
                                'contents': base64.b64encode(b'\x00hi').decode()}]}
    assert build._injected_files(spec) == [('/etc/motd', b'\x00hi')]


def test_no_personality_is_no_files():
    assert build._injected_files({}) == []
