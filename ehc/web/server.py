"""The web app under uvicorn: the options `ehc web` serves it with, and a server in a thread of another
process (the demo's) on a socket that process has already bound."""

from __future__ import annotations

import socket
import threading
import time

from ehc.bootstrap import App

# No access log (uvicorn's would hold query strings), no Server header; a client's address is taken from
# X-Forwarded-For only when the proxy is on 127.0.0.1 (uvicorn's default), for the per-address sign-in limit.
SERVER_OPTIONS = {"access_log": False, "server_header": False, "proxy_headers": True}


class ServerDidNotStart(RuntimeError):
    pass


class ServerThread:
    """``with ServerThread(app, sock):`` the web app answers on ``sock`` (bound, not yet listening) until the
    block ends. Quiet but for warnings, so the process's own output stays readable."""

    def __init__(self, app: App, sock: socket.socket, timeout: float = 30.0) -> None:
        import uvicorn

        from ehc.web.app import create_web_app

        config = uvicorn.Config(create_web_app(app), log_config=None, log_level="warning", lifespan="off",
                                **SERVER_OPTIONS)
        self._server = uvicorn.Server(config)
        self._timeout = timeout
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, name="ehc-web",
                                        daemon=True)

    def __enter__(self) -> "ServerThread":
        self._thread.start()
        deadline = time.monotonic() + self._timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServerDidNotStart(f"the web app did not start within {self._timeout:.0f} s")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
