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

Each notebook run opens two clients on the kernel (the reset's and papermill's), and
jupyter_client's ``wait_for_ready`` holds each for 0.2 s of silence on IOPub: about 12 s of
idle workers in a build of 30 runs. The kernel's clients here (:class:`ReadyClient`) are
ready as soon as the kernel has answered a ``kernel_info`` request and reported itself idle
after it on IOPub, which shows the same two things: the kernel answers, and IOPub is
connected and drained up to that request.
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path
from queue import Empty

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import KernelManager

# What a fresh kernel would not have: everything a previous notebook left behind.
RESET = """\
import matplotlib as _matplotlib
_matplotlib.rcdefaults()
get_ipython().reset(new_session=True)  # last: it also forgets the name above
"""


class KernelError(RuntimeError):
    pass


class ReadyClient(BlockingKernelClient):
    """A kernel client whose ``wait_for_ready`` returns once the kernel has answered a
    ``kernel_info`` request and published its idle status for that request (see the module's
    docstring); a request left unanswered for a second is sent again, as jupyter_client does."""

    def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            if self._answered(request, min(deadline, time.monotonic() + 1)):
                return
            if not self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    def _answered(self, request: str, until: float) -> bool:
        replied = False
        while True:
            remaining = until - time.monotonic()
            if remaining <= 0:
                return False
            try:
                message = self.get_iopub_msg(timeout=remaining) if replied else self.get_shell_msg(timeout=remaining)
            except Empty:
                return False
            if message["parent_header"].get("msg_id") != request:
                continue  # an earlier request's reply or output: drained
            if not replied and message["msg_type"] == "kernel_info_reply":
                self._handle_kernel_info_reply(message)
                replied = True
            elif replied and message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return True


class WarmKernel:
    """One kernel, started in ``cwd``, for several notebook runs in turn."""

    def __init__(self, kernel_name: str, cwd: Path, startup_timeout: float = 60, quiet: bool = False):
        self.manager = KernelManager(kernel_name=kernel_name, client_class="tooling.kernels.ReadyClient")
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
