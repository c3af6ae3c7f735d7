"""Set-up and administration: init, serve, users, compartments, tokens, the audit log."""

from __future__ import annotations

import os
import secrets
import socket
from typing import Annotated, Any

import typer

from dastavez.access import users
from dastavez.access.audit import list_events
from dastavez.access.authn import issue_api_token
from dastavez.cli.context import console, emit, fields, plain, state, table
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.migrate import current_revision, upgrade

user_app = typer.Typer(help="Users, their roles and clearances.", no_args_is_help=True)
compartment_app = typer.Typer(help="Compartments (need-to-know groups).", no_args_is_help=True)


def init(
    admin_password: Annotated[
        str | None, typer.Option(help="Password for the first admin (default: a random one, printed once).")
    ] = None,
) -> None:
    """Create DASTAVEZ_HOME, bring the database schema up to date, create the first admin."""
    st = state()
    st.settings.home.mkdir(parents=True, exist_ok=True)
    upgrade(st.db.engine)
    password = admin_password or secrets.token_urlsafe(12)
    with st.db.write() as session:
        created = users.bootstrap_admin(session, username="admin", password=password)
    result: dict[str, Any] = {
        "home": str(st.settings.home.resolve()),
        "database": st.db.engine.url.render_as_string(hide_password=True),
        "revision": current_revision(st.db.engine),
        "admin": {"username": "admin", "created": created, "password": password if created else None},
    }

    def show(data: dict[str, Any]) -> None:
        fields([("home", data["home"]), ("database", data["database"]), ("schema", data["revision"])])
        if created:
            console.print(plain(f"admin user created; password (shown once): {password}"))
        else:
            console.print("admin user already exists")

    emit(result, show)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (each with its own connections).")] = 1,
) -> None:
    """Serve the web UI and the API (http://HOST:PORT, API under /api/v1)."""
    st = state()
    upgrade(st.db.engine)
    run_server(st.settings, host=host, port=port, workers=workers)


def run_server(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Run uvicorn in the foreground. Several workers are separate processes: they read
    their settings from the environment, so this process's settings are exported first
    (SQLite in WAL mode serves several processes; writers queue on its lock)."""
    import uvicorn

    from dastavez.app import create_app

    if not 1 <= workers <= 32:
        raise InvalidInput("workers must be between 1 and 32", field="workers")
    console.print(plain(f"dastavez serving on http://{host}:{port} (API docs at /api/v1/docs)"))
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
        return
    os.environ["DASTAVEZ_HOME"] = str(settings.home.resolve())
    if settings.database_url:
        os.environ["DASTAVEZ_DATABASE_URL"] = settings.database_url
    os.environ["DASTAVEZ_SECRET_KEY"] = settings.resolved_secret()  # one secret for all workers
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("dastavez.app:create_app_from_env", factory=True, host=host, port=port,
                            workers=workers, log_level="warning")
    Multiprocess(config, sockets=[listening_socket(config)]).run()


def listening_socket(config: Any) -> socket.socket:
    """The shared socket of a multi-worker server, with TCP_NODELAY set (Linux passes it on to
    the connections it accepts). uvicorn makes this socket with protocol 0, so asyncio does not
    set TCP_NODELAY on the connections, and every answer would wait ~40 ms for the client's
    delayed ACK between its headers and its body."""
    sock: socket.socket = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="A role; repeat for several.")],
    password: Annotated[
        str | None, typer.Option(help="Initial password (default: random, printed once).")
    ] = None,
    clearance: Annotated[
        list[str] | None, typer.Option("--clearance", help="A compartment; repeatable.")
    ] = None,
    display_name: Annotated[str | None, typer.Option(help="Full name.")] = None,
) -> None:
    """Create a user."""
    st = state()
    actor = st.actor()
    secret = password or secrets.token_urlsafe(12)
    with st.db.write() as session:
        view = users.create_user(
            session,
            actor,
            username=username,
            password=secret,
            roles=role,
            display_name=display_name,
            clearances=clearance or [],
        )
    data = view.as_dict() | ({"password": secret} if password is None else {})
    emit(data, lambda d: fields([(k, v) for k, v in d.items()]))


@user_app.command("list")
def user_list() -> None:
    """List users with roles and clearances."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        rows = [u.as_dict() for u in users.list_users(session, actor)]
    emit(
        {"users": rows},
        lambda d: table(
            "Users",
            ["user", "name", "roles", "clearances", "active"],
            [
                (
                    u["username"],
                    u["display_name"],
                    ", ".join(u["roles"]),
                    ", ".join(u["clearances"]),
                    u["active"],
                )
                for u in d["users"]
            ],
        ),
    )


@user_app.command("roles")
def user_roles(username: str, role: Annotated[list[str], typer.Option("--role", help="Repeatable.")]) -> None:
    """Replace a user's roles."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(
            users.set_roles(session, actor, username=username, roles=role).as_dict(),
            lambda d: fields(d.items()),
        )


@user_app.command("clearances")
def user_clearances(
    username: str,
    clearance: Annotated[
        list[str] | None, typer.Option("--clearance", help="Repeatable; none clears all.")
    ] = None,
) -> None:
    """Replace a user's compartment clearances."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(
            users.set_clearances(session, actor, username=username, clearances=clearance or []).as_dict(),
            lambda d: fields(d.items()),
        )


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[int | None, typer.Option(help="Lifetime in days.")] = None,
) -> None:
    """Issue an API bearer token for the acting user (shown once)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(issue_api_token(session, st.settings, actor, name=name, days=days), lambda d: fields(d.items()))


@compartment_app.command("add")
def compartment_add(code: str, title: Annotated[str, typer.Option(help="What it holds.")]) -> None:
    """Create a compartment."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(users.create_compartment(session, actor, code=code, title=title), lambda d: fields(d.items()))


@compartment_app.command("list")
def compartment_list() -> None:
    """List the compartments you are cleared for (admins: all)."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        rows = users.list_compartments(session, actor)
    emit(
        {"compartments": rows},
        lambda d: table(
            "Compartments", ["code", "title"], [(c["code"], c["title"]) for c in d["compartments"]]
        ),
    )


def audit(
    user: Annotated[str | None, typer.Option(help="Only this user's events.")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. profile.read.")] = None,
    target: Annotated[str | None, typer.Option(help="Only events about this record id.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
) -> None:
    """Read the audit log (auditors and supervisors)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        page = list_events(session, actor, user=user, action=action, target_id=target, per_page=limit)
    emit(
        {"events": page.events, "total": page.total},
        lambda d: table(
            f"Audit log ({d['total']} events)",
            ["at", "user", "via", "action", "target"],
            [
                (e["at"][:19], e["actor"], e["interface"], e["action"], e["target_id"] or "")
                for e in d["events"]
            ],
        ),
    )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("serve")(serve)
    app.command("audit")(audit)
    app.add_typer(user_app, name="user")
    app.add_typer(compartment_app, name="compartment")
