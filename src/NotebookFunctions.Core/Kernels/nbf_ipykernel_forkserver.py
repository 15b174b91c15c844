"""Notebook Functions' ipykernel fork server.

Starting ipykernel costs ~0.5 s of CPU, nearly all of it importing ipykernel, IPython, zmq and tornado (and the
pandas a pool pre-imports). This process pays for those imports once, then forks a fresh kernel per request: the
child has run no user code, owns no sockets yet and starts its IPKernelApp exactly as `python -m ipykernel_launcher`
would, in milliseconds. Written by nbf next to its connection files; not a public interface.

Protocol: one JSON object per line. stdin carries fork requests {"id", "argv", "cwd", "env"}; stdout carries
{"event": "ready" | "forked" | "stderr" | "closed" | "exit" | "failed", ...}. When stdin closes (the host is gone,
even by SIGKILL) every kernel forked here is killed and the server exits.
"""

import gc
import json
import os
import selectors
import signal
import sys
import traceback

MAX_LINE = 16384
PR_SET_PDEATHSIG = 1


def send(message):
    data = (json.dumps(message) + "\n").encode()
    while data:
        written = os.write(1, data)
        data = data[written:]


def exit_code(status):
    # Signalled kernels report 128 + signal, as .NET's Process does for the kernels it spawns.
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def run_child(request, base_env, output_fd, server_pid, libc):
    """In the forked child: become the kernel process `python -m ipykernel_launcher argv...` would have made."""
    code = 1
    try:
        os.setsid()
        # Die with the server even when it is killed outright (it kills its kernels itself when it can).
        if libc is not None:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != server_pid:
            os._exit(1)
        # As for spawned kernels: no stdin, stdout dropped (cells print over iopub), stderr to the host.
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(output_fd, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(base_env)
        os.environ.update(request.get("env") or {})
        os.chdir(request["cwd"])
        # `python -m` puts the launch folder first on sys.path; the server removed its own folder.
        sys.path.insert(0, os.getcwd())
        reseed_random()
        import ipykernel_launcher
        from ipykernel import kernelapp

        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        kernelapp.launch_new_instance(argv=request["argv"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def reseed_random():
    # Every child inherits the server's random state: without a reseed, two chunks would draw the same numbers.
    if "random" in sys.modules:
        sys.modules["random"].seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def freeze_for_fork():
    """Moves every object the server holds to the collector's permanent generation before a fork.

    A full collection in a forked kernel (a notebook's own gc.collect(), IPython's %reset, or enough long-lived
    allocations) would otherwise walk the server's objects (ipykernel, IPython, pandas: ~85,000) and write to each
    one's header, copying the pages the kernel shares with the server: measured 290-320 ms of CPU and 26 MB copied
    per kernel, against 2 ms and nothing once frozen. Python's advice for fork without exec (see gc.freeze).
    The server's objects live as long as a kernel does anyway; a kernel's own objects are collected as before. The
    collection first keeps the server's own cyclic garbage between forks from being frozen with it (cheap: it walks
    only what is not frozen yet).
    """
    gc.collect()
    gc.freeze()


# Half of ipykernel's import time goes to tools only an interactive front end uses: debugpy (with pkg_resources,
# ~130 ms) for JupyterLab's visual debugger, and jedi (~55 ms) for tab completion. A batch kernel serves neither,
# so ipykernel and IPython are imported while these two are hidden (each then records it has no debugger / no jedi),
# and unhidden at once: a notebook's own `import debugpy` or `import jedi` works as anywhere else.
INTERACTIVE_TOOLS = ("debugpy", "jedi")


def import_ipykernel_without_interactive_tools():
    hidden = [name for name in INTERACTIVE_TOOLS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # makes `import name` raise ImportError
    try:
        import ipykernel_launcher  # noqa: F401
        from ipykernel import ipkernel, kernelapp  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    # The kernel's default address: found once here (jupyter_client runs `ip addr` for it) instead of in every kernel.
    from jupyter_client import localinterfaces

    localinterfaces.localhost()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        del sys.path[0]
    # Ctrl+C in a terminal reaches the whole process group; the host decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import_ipykernel_without_interactive_tools()
    except BaseException as error:
        send({"event": "failed", "error": f"{type(error).__name__}: {error}"})
        return 1

    warmup_error = None
    warmup = sys.argv[1] if len(sys.argv) > 1 else ""
    if warmup.strip():
        try:
            exec(compile(warmup, "<nbf-warmup>", "exec"), {"__name__": "__nbf_warmup__"})
        except BaseException as error:
            warmup_error = f"{type(error).__name__}: {error}"
    base_env = dict(os.environ)
    # Every fork freezes first (freeze_for_fork); doing it once here too, before the first request, spares the first
    # fork the server's one full collection.
    freeze_for_fork()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    except (ImportError, OSError):
        libc = None
    sys.stdout.flush()
    sys.stderr.flush()

    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, "requests")
    selector.register(wake_read, selectors.EVENT_READ, "wake")
    server_pid = os.getpid()
    children = {}
    pending = {}
    request_buffer = b""
    send({"event": "ready", "pid": os.getpid(), "warmupError": warmup_error})

    def reap():
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.pop(pid, None)
            send({"event": "exit", "pid": pid, "code": exit_code(status)})

    def fork(request):
        read_fd, write_fd = os.pipe()
        freeze_for_fork()
        pid = os.fork()
        if pid == 0:
            run_child(request, base_env, write_fd, server_pid, libc)
        os.close(write_fd)
        children[pid] = read_fd
        pending[read_fd] = b""
        selector.register(read_fd, selectors.EVENT_READ, pid)
        send({"event": "forked", "id": request["id"], "pid": pid})

    def forward_output(fd, pid):
        data = os.read(fd, 65536)
        if not data:
            selector.unregister(fd)
            os.close(fd)
            rest = pending.pop(fd, b"")
            if rest:
                send({"event": "stderr", "pid": pid, "line": rest[:MAX_LINE].decode(errors="replace")})
            send({"event": "closed", "pid": pid})
            return
        lines = (pending[fd] + data).split(b"\n")
        pending[fd] = lines.pop()[-MAX_LINE:]
        for line in lines:
            send({"event": "stderr", "pid": pid, "line": line[:MAX_LINE].decode(errors="replace")})

    try:
        while True:
            for key, _ in selector.select():
                if key.data == "wake":
                    try:
                        os.read(wake_read, 4096)
                    except BlockingIOError:
                        pass
                elif key.data == "requests":
                    data = os.read(0, 65536)
                    if not data:
                        return 0
                    request_buffer += data
                    while b"\n" in request_buffer:
                        line, request_buffer = request_buffer.split(b"\n", 1)
                        if line.strip():
                            request = json.loads(line)
                            try:
                                fork(request)
                            except OSError as error:
                                send({"event": "failed", "id": request.get("id"), "error": str(error)})
                else:
                    forward_output(key.fd, key.data)
            reap()
    finally:
        for pid in list(children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Nothing of the server's needs tearing down (its kernels are gone): skipping the interpreter's teardown of
    # ipykernel, IPython and the pre-imports saves the host ~50 ms of waiting at every exit.
    os._exit(status or 0)
