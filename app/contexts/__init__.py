"""Each folder's context.md: what the folder holds, rebuilt from the index after a
distiller run, a forget, an undo, or on demand (`amber tree --context`); see
amber/tree/context.py for the file and amber/contexts/refresh.py for when it is written."""

from amber.contexts.refresh import ContextReport, folders_of, refresh

__all__ = ["ContextReport", "folders_of", "refresh"]
