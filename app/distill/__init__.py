"""The distiller: events become curated entries in the Context Tree (see distiller.py)."""

from amber.distill.distiller import Distiller
from amber.distill.report import DistillReport

__all__ = ["DistillReport", "Distiller"]
