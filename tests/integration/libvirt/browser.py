"""Headless Chromium driven over the DevTools protocol on a pipe, and noVNC's pages.

``--remote-debugging-pipe`` makes Chromium read protocol commands from fd 3
and write answers to fd 4, NUL-terminated JSON: no WebSocket client needed.
A single ``--screenshot`` is racy against noVNC's first frame, so tests poll
the page (the canvas's pixels, the status line) until it shows what they wait for.
noVNC comes from Debian's ``novnc`` package, unpacked into a cache directory
(``apt-get download`` + ``dpkg-deb -x``: installing it would pull in nodejs).
"""

import base64
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

CACHE = pathlib.Path.home() / '.cache/novalite/novnc'

# Pixels of noVNC's canvas that are not black: 0 while nothing is shown.
LIT_PIXELS = '''(() => {
  const canvas = document.querySelector('#screen canvas');
  if (!canvas || !canvas.width) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let lit = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] || data[i + 1] || data[i + 2]) lit++;
  return lit;
})()'''
STATUS = "document.getElementById('status') && document.getElementById('status').textContent"


class BrowserUnavailable(Exception):
    """No Chromium, or no noVNC to be had."""


def novnc_web():
    """The directory of noVNC's static files. :raises BrowserUnavailable:"""
    web = CACHE / 'x/usr/share/novnc'
    if (web / 'vnc_lite.html').exists():
        return str(web)
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(['apt-get', 'download', 'novnc'], cwd=CACHE, check=True,
                       capture_output=True, timeout=120)
        [deb] = CACHE.glob('novnc_*.deb')
        subprocess.run(['dpkg-deb', '-x', str(deb), str(CACHE / 'x')], check=True,
                       capture_output=True)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        raise BrowserUnavailable(f"cannot get noVNC: {exc}") from exc
    return str(web)


class Chromium:
    """One headless Chromium page, driven over the DevTools pipe."""

    def __init__(self):
        binary = shutil.which('chromium') or shutil.which('chromium-browser')
        if binary is None:
            raise BrowserUnavailable("chromium is not installed")
        self.profile = tempfile.mkdtemp(prefix='novalite-chromium-')
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def fds():
            # Through high numbers: either pipe end may itself be 3 or 4.
            os.dup2(commands_read, 100)
            os.dup2(answers_write, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)
        self.proc = subprocess.Popen(
            [binary, '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
             '--remote-debugging-pipe', f'--user-data-dir={self.profile}',
             '--window-size=1024,768', 'about:blank'],
            preexec_fn=fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(answers_write)
        self._buffer, self._next_id = b'', 0
        target = self.send('Target.createTarget', url='about:blank')['targetId']
        self.session = self.send('Target.attachToTarget', targetId=target,
                                 flatten=True)['sessionId']

    def send(self, method, session=None, **params):
        """The result of one protocol command. :raises RuntimeError: an error answer."""
        self._next_id += 1
        message = {'id': self._next_id, 'method': method, 'params': params}
        if session:
            message['sessionId'] = session
        os.write(self._commands, json.dumps(message).encode() + b'\0')
        while True:
            answer = self._read()
            if answer.get('id') == self._next_id:
                if 'error' in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer['result']

    def _read(self):
        while b'\0' not in self._buffer:
            chunk = os.read(self._answers, 65536)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b'\0', 1)
        return json.loads(message)

    def open(self, url):
        self.send('Page.navigate', session=self.session, url=url)

    def evaluate(self, expression):
        result = self.send('Runtime.evaluate', session=self.session, expression=expression,
                           returnByValue=True)
        return result['result'].get('value')

    def wait_for(self, expression, predicate, timeout):
        """The expression's value once ``predicate`` holds; the last value after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if predicate(value):
                break
            time.sleep(0.5)
        return value

    def screenshot(self, path):
        data = self.send('Page.captureScreenshot', session=self.session)['data']
        pathlib.Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        self.proc.kill()
        self.proc.wait()
        for fd in (self._commands, self._answers):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)
