"""Caroline's move from Berlin to Paris: the two messages and the facts a scripted model
finds in them, shared by the distiller tests so that each tells the same story."""

from __future__ import annotations

from amber.distill.scripted import Fact

BERLIN = "I moved to Berlin in May, loving it so far"
PARIS = "Big news: I moved to Paris last week!"

BERLIN_FACT = Fact(
    BERLIN,
    "Caroline lives in Berlin",
    "Caroline moved to Berlin.",
    "I moved to Berlin in May",
    "people/caroline",
    "2023-05",
)
PARIS_FACT = Fact(
    PARIS,
    "Caroline lives in Paris",
    "Caroline moved to Paris.",
    "I moved to Paris last week",
    "people/caroline",
    "2024-03",
)
