"""Identifiers made on the device: sortable, unique across stations without a server."""

from __future__ import annotations

import secrets

import uuid6

from desktop.domain.people import MEMBER_NUMBER_ALPHABET

DEVICE_CODE_LENGTH = 6


def new_id() -> str:
    """A UUIDv7: time-ordered, so indexes stay append-mostly, and unique across devices."""
    return str(uuid6.uuid7())


def new_device_code() -> str:
    """The prefix of member numbers made on this device.

    Six Crockford base32 characters: 2**30 codes, so two among 2,000 devices share one
    with a probability of about 0.2 %; the central server checks it at enrolment.
    """
    return "".join(secrets.choice(MEMBER_NUMBER_ALPHABET) for _ in range(DEVICE_CODE_LENGTH))
