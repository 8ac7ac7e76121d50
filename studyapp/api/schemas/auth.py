"""Bearer tokens (``POST /tokens``)."""

from __future__ import annotations

from pydantic import Field

from studyapp.api.schemas.common import ApiModel


class TokenRequest(ApiModel):
    username: str
    password: str


class Token(ApiModel):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'.")
