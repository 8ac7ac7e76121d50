"""Decks: a content version, a fresh random token from every import, naming the cached outline.

Written by hand: one column with a server default, so existing rows start at
'initial' (the next import replaces it) and no batch rebuild is needed on SQLite.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 15:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "decks",
        sa.Column(
            "content_version",
            sa.String(length=32),
            server_default=sa.text("'initial'"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("decks") as batch_op:
        batch_op.drop_column("content_version")
