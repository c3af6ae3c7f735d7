"""``dastavez serve --workers N``: the shared listening socket answers without Nagle delays."""

from __future__ import annotations

import socket

import uvicorn

from dastavez.cli.admin import listening_socket


def test_the_multi_worker_socket_sets_tcp_nodelay_for_its_connections():
    config = uvicorn.Config("dastavez.app:create_app_from_env", factory=True, host="127.0.0.1", port=0,
                            workers=2)
    server = listening_socket(config)
    try:
        assert server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            accepted, _ = server.accept()
            with accepted:
                # Linux hands the listening socket's TCP_NODELAY on to the connections it accepts.
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        server.close()
