"""Message catalogs: each module defines ``MESSAGES: dict[str, tuple[str, str]]`` (zh, en)."""
