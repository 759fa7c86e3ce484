"""Warm kernels for the notebook runs.

Starting a Jupyter kernel and importing pandas, seaborn and statsmodels into it costs
more than most chapters' own computation. So each parallel worker of the build keeps one
kernel for all its notebook runs, and resets it to a clean session before each run:
the user namespace and history are emptied, the execution count starts again at 1 and
Matplotlib's settings go back to their defaults. (Figures need no closing: the inline
backend closes them after each cell; and a warning shown by one chapter is shown again
by the next.) Imported modules stay loaded: that is the saving. Tests check all of this,
and that a chapter run after another in a warm kernel gives the same file as a run in a
fresh one.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from jupyter_client.manager import KernelManager

# What a fresh kernel would not have: everything a previous notebook left behind.
RESET = """\
import matplotlib as _matplotlib
_matplotlib.rcdefaults()
get_ipython().reset(new_session=True)  # last: it also forgets the name above
"""


class KernelError(RuntimeError):
    pass


class WarmKernel:
    """One kernel, started in ``cwd``, for several notebook runs in turn."""

    def __init__(self, kernel_name: str, cwd: Path, startup_timeout: float = 60, quiet: bool = False):
        self.manager = KernelManager(kernel_name=kernel_name)
        # quiet: the kernel's own log lines (such as its notice on unencrypted local TCP)
        # stay off a reader's terminal; what a cell prints is in the notebook either way
        streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} if quiet else {}
        self.manager.start_kernel(cwd=str(cwd), **streams)
        self.timeout = startup_timeout

    def reset(self) -> None:
        """Bring the kernel back to a fresh session; fail if it cannot be."""
        client = self.manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=self.timeout)
            reply = client.execute_interactive(RESET, store_history=False, timeout=self.timeout,
                                               output_hook=lambda message: None)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelError(f"resetting the kernel failed: {content.get('ename')}: {content.get('evalue')}")

    def shutdown(self) -> None:
        self.manager.shutdown_kernel(now=True)
