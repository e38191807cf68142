"""Rules of the server actions other than start, stop and reboot (which are servers')."""

from novalite.api.policies import base

PAUSE = 'os_compute_api:os-pause-server:pause'
UNPAUSE = 'os_compute_api:os-pause-server:unpause'
SUSPEND = 'os_compute_api:os-suspend-server:suspend'
RESUME = 'os_compute_api:os-suspend-server:resume'
LOCK = 'os_compute_api:os-lock-server:lock'
UNLOCK = 'os_compute_api:os-lock-server:unlock'
UNLOCK_OVERRIDE = 'os_compute_api:os-lock-server:unlock:unlock_override'
CONSOLE_OUTPUT = 'os_compute_api:os-console-output'
CRASH_DUMP = 'os_compute_api:servers:trigger_crash_dump'

_ACTION = 'POST /servers/{server_id}/action (%s)'

rules = [
    base.rule(PAUSE, base.PROJECT_MEMBER_OR_ADMIN, "Pause a server", _ACTION % 'pause'),
    base.rule(UNPAUSE, base.PROJECT_MEMBER_OR_ADMIN, "Unpause a paused server",
              _ACTION % 'unpause'),
    base.rule(SUSPEND, base.PROJECT_MEMBER_OR_ADMIN, "Suspend a server",
              _ACTION % 'suspend'),
    base.rule(RESUME, base.PROJECT_MEMBER_OR_ADMIN, "Resume a suspended server",
              _ACTION % 'resume'),
    base.rule(LOCK, base.PROJECT_MEMBER_OR_ADMIN, "Lock a server", _ACTION % 'lock'),
    base.rule(UNLOCK, base.PROJECT_MEMBER_OR_ADMIN, "Unlock a locked server",
              _ACTION % 'unlock'),
    base.rule(UNLOCK_OVERRIDE, base.ADMIN,
              "Unlock a server whoever locked it (checked after the unlock rule, when the "
              "lock was set by the other side: an administrator of another project or the "
              "owner)", _ACTION % 'unlock'),
    base.rule(CONSOLE_OUTPUT, base.PROJECT_MEMBER_OR_ADMIN, "Show the console output of a server",
              _ACTION % 'os-getConsoleOutput'),
    base.rule(CRASH_DUMP, base.PROJECT_MEMBER_OR_ADMIN,
              "Trigger a crash dump in a server (an NMI to the guest)",
              _ACTION % 'trigger_crash_dump'),
]
