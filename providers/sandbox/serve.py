"""Serve the sandbox on a loopback port, for curl, the providers' SDKs and wire tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from providers.sandbox.apis import Sandbox


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """Bind and listen first, so that port 0 becomes a real port we can print before serving,
    and a client that reads the printed address at once is queued, not refused, while the
    server starts."""
    # IPPROTO_TCP explicitly: asyncio only turns Nagle off (TCP_NODELAY) on sockets whose
    # protocol says TCP, and with Nagle on, every keep-alive answer waits ~40 ms for an ACK.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def origin_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def server(sandbox: Sandbox) -> uvicorn.Server:
    config = uvicorn.Config(sandbox.app, log_level="warning", lifespan="off", access_log=False)
    return uvicorn.Server(config)


@contextmanager
def in_background(sandbox: Sandbox) -> Iterator[str]:
    """Run the sandbox on a free loopback port in a thread; yields its origin."""
    sock = bind()
    instance = server(sandbox)
    thread = threading.Thread(
        target=lambda: asyncio.run(instance.serve(sockets=[sock])), daemon=True
    )
    thread.start()
    while not instance.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server did not start")
        threading.Event().wait(0.01)
    try:
        yield origin_of(sock)
    finally:
        instance.should_exit = True
        thread.join(timeout=10)
        sock.close()
