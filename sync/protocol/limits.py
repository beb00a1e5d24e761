"""Versions, headers and limits of the wire protocol."""

from __future__ import annotations

from sync.protocol.contract import MAX_INT

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Waystation-Protocol"
APP_HEADER = "X-Waystation-App"
EPOCH_HEADER = "X-Waystation-Epoch"  # the server database's identity, as the desk last knew it
MAX_BATCH = 500  # events per push
MAX_BODY_BYTES = 4 * 1024 * 1024  # a request body, after decompression
MAX_PAGE = 5000  # events per pull page
MAX_SEQ = MAX_INT  # a device's sequence: 1 .. 2**53 - 1
SERVER_DEVICE_ID = "00000000-0000-0000-0000-000000000000"  # author of server-made events
