"""The ``studyapp`` command: database, decks, users, and a development server."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from studyapp import create_app
from studyapp.accounts.users import AccountError, create_user, set_admin
from studyapp.decks.catalogue import all_decks
from studyapp.decks.document import DeckValidationError
from studyapp.decks.formats.reading import deck_files, read_deck_path
from studyapp.decks.importing.importer import import_deck
from studyapp.storage.db import transaction


def _session(app: Flask):
    return app.extensions["studyapp.sessions"]()


def _now(app: Flask):
    return app.config["CLOCK"].now()


def cmd_db(app: Flask, args: argparse.Namespace) -> int:
    from studyapp.storage import schema_migrations

    url = app.config["DATABASE_URL"]
    if args.action == "upgrade":
        schema_migrations.upgrade(url, args.revision or "head")
        print(f"database at revision {schema_migrations.current_revision(url)}")
    elif args.action == "downgrade":
        schema_migrations.downgrade(url, args.revision or "-1")
        print(f"database at revision {schema_migrations.current_revision(url)}")
    else:
        print(schema_migrations.current_revision(url) or "empty (run: studyapp db upgrade)")
    return 0


def cmd_import(app: Flask, args: argparse.Namespace) -> int:
    files = list(deck_files(Path(p) for p in args.paths))
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not files:
        print("error: no deck files (.json, .md, .txt) found", file=sys.stderr)
        return 2
    failures = 0
    with _session(app) as session:
        for path in files:
            try:
                draft = read_deck_path(path)
                with transaction(session):
                    report = import_deck(session, draft, owner_id=None, now=_now(app))
                print(report.summary())
            except DeckValidationError as error:
                failures += 1
                print(f"error: {path} was not imported:", file=sys.stderr)
                for problem in error.problems:
                    print(f"  {problem}", file=sys.stderr)
    return 1 if failures else 0


def cmd_decks(app: Flask, _args: argparse.Namespace) -> int:
    with _session(app) as session:
        decks = all_decks(session)
    if not decks:
        print("no decks yet (studyapp import decks/)")
        return 0
    width = max(len(deck.key) for deck in decks)
    print(f"{'id':>4}  {'key':<{width}}  {'concepts':>8}  {'cards':>6}  title")
    for deck in decks:
        visibility = "" if deck.is_public else "  (private)"
        print(
            f"{deck.id:>4}  {deck.key:<{width}}  {deck.concept_count:>8}  "
            f"{deck.card_count:>6}  {deck.title}{visibility}"
        )
    return 0


def cmd_user_create(app: Flask, args: argparse.Namespace) -> int:
    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat password: "):
            print("error: the passwords differ", file=sys.stderr)
            return 2
    with _session(app) as session:
        try:
            with transaction(session):
                user = create_user(session, args.name, password, now=_now(app), is_admin=args.admin)
        except AccountError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    role = "administrator" if args.admin else "user"
    print(f"created {role} {user.username}")
    return 0


def cmd_user_role(app: Flask, args: argparse.Namespace) -> int:
    """``user promote NAME`` / ``user demote NAME``: give or take the administrator role."""
    make_admin = args.user_command == "promote"
    with _session(app) as session:
        try:
            with transaction(session):
                user = set_admin(session, args.name, make_admin)
        except AccountError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    role = "an administrator" if make_admin else "a user without administrator rights"
    print(f"{user.username} is now {role}")
    return 0


def cmd_export_user(app: Flask, args: argparse.Namespace) -> int:
    import json
    import os
    import tempfile

    from studyapp.backup.export import UserExportError, export_user

    with _session(app) as session:
        try:
            document = export_user(session, args.name, now=_now(app))
        except UserExportError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if args.path == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.path)
    # Write beside the target and rename, so a failure never leaves half a backup.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(
        f"exported {document['user']['username']}: {len(document['card_states'])} card states, "
        f"{len(document['review_logs'])} reviews, {len(document['decks'])} private decks "
        f"to {target}"
    )
    return 0


def cmd_import_user(app: Flask, args: argparse.Namespace) -> int:
    import json

    from studyapp.backup.document import UserImportError
    from studyapp.backup.restore import import_user

    try:
        raw = sys.stdin.read() if args.path == "-" else Path(args.path).read_text("utf-8")
        document = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        print(f"error: cannot read {args.path}: {error}", file=sys.stderr)
        return 2
    with _session(app) as session:
        try:
            with transaction(session):
                user = import_user(session, document, rename=args.rename)
        except UserImportError as error:
            print(f"error: nothing was imported. {error}", file=sys.stderr)
            return 2
    print(
        f"imported user {user.username}: {len(document['card_states'])} card states, "
        f"{len(document['review_logs'])} reviews, {len(document['decks'])} private decks"
    )
    return 0


def cmd_serve(app: Flask, args: argparse.Namespace) -> int:
    app.run(host=args.host, port=args.port, debug=args.debug, use_reloader=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Spaced-repetition study of knowledge maps. "
        "Reads STUDYAPP_DATABASE_URL and STUDYAPP_SECRET_KEY from the environment.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database schema (Alembic)")
    db.add_argument("action", choices=["upgrade", "downgrade", "current"])
    db.add_argument("revision", nargs="?", help="target revision (default: head / -1)")
    db.set_defaults(handler=cmd_db)

    imp = commands.add_parser("import", help="import deck files or folders as public decks")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.set_defaults(handler=cmd_import)

    decks = commands.add_parser("decks", help="list decks with concept and card counts")
    decks.set_defaults(handler=cmd_decks)

    user = commands.add_parser("user", help="manage users")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument("--password", help="password (prompted for when left out)")
    create.add_argument("--admin", action="store_true", help="make an administrator")
    create.set_defaults(handler=cmd_user_create)
    promote = user_commands.add_parser("promote", help="make a user an administrator")
    promote.add_argument("name")
    promote.set_defaults(handler=cmd_user_role)
    demote = user_commands.add_parser("demote", help="take the administrator role away")
    demote.add_argument("name")
    demote.set_defaults(handler=cmd_user_role)

    export_user = commands.add_parser(
        "export-user", help="write one user's account and history as JSON (docs/export.md)"
    )
    export_user.add_argument("name", help="the username")
    export_user.add_argument("path", metavar="PATH", help="the JSON file to write ('-': stdout)")
    export_user.set_defaults(handler=cmd_export_user)

    import_user = commands.add_parser(
        "import-user", help="create a user from an export-user file, or refuse and write nothing"
    )
    import_user.add_argument("path", metavar="PATH", help="the JSON file to read ('-': stdin)")
    import_user.add_argument("--rename", metavar="NEWNAME", help="import under this username")
    import_user.set_defaults(handler=cmd_import_user)

    serve = commands.add_parser("serve", help="run the development server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--debug", action="store_true")
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    app = create_app({"DEBUG": True} if getattr(args, "debug", False) else None)
    return args.handler(app, args)


if __name__ == "__main__":
    raise SystemExit(main())
