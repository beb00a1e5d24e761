"""Every event kind, declared once per area (see ``sync.protocol.contract``).

Importing this package declares them all; ``sync.protocol`` does so on import.
"""

from sync.protocol.events import (  # noqa: F401  (each module declares its kinds on import)
    aid,
    cards,
    certificates,
    conflicts,
    desk,
    keys,
    members,
    training,
    visits,
)
