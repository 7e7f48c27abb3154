"""`python -m statusgen.child PARENT MODULE ARGS...`: run a module (Pelican) as a process that dies with its
parent, even one killed outright. The death signal is set here, after exec, rather than in a preexec_fn, which
is unsafe in a process with threads (the preview builds from a watcher thread)."""
from __future__ import annotations

import runpy
import sys

from .processes import die_with_parent


def main() -> None:
    parent, module, *args = sys.argv[1:]
    die_with_parent(int(parent))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
