"""`amber sync`: the Context Tree and the captured events on every device, through git
(see amber/sync/engine.py for the steps, amber/sync/segments.py for what is encrypted)."""

from amber.sync.engine import Syncer, SyncReport
from amber.sync.state import SyncState
from amber.sync.status import SyncStatus

__all__ = ["SyncReport", "SyncState", "SyncStatus", "Syncer"]
