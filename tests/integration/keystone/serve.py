"""Serve Keystone's WSGI application with gunicorn: run by the Keystone venv's python.

Usage: ``python serve.py HOST:PORT``, with ``OS_KEYSTONE_CONFIG_FILES`` set.
Keystone parses ``sys.argv`` with oslo.config when its application loads,
so gunicorn's own command line cannot be used; this runs gunicorn with no
arguments of its own.
"""

import sys

from gunicorn.app.base import BaseApplication


class KeystoneApplication(BaseApplication):
    def __init__(self, bind):
        self.bind = bind
        super().__init__()

    def load_config(self):
        self.cfg.set('bind', self.bind)
        self.cfg.set('workers', 2)
        self.cfg.set('threads', 4)
        self.cfg.set('accesslog', '-')

    def load(self):
        sys.argv = sys.argv[:1]
        from keystone.wsgi.api import application
        return application


if __name__ == '__main__':
    KeystoneApplication(sys.argv[1]).run()
