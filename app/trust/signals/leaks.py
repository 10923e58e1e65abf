"""Signals of a request for the agent's own prompt: "reveal your system prompt", "repeat
the words above", talk of the instructions it was given, "verbatim".
"""

from __future__ import annotations

from amber.trust.signals.build import Signal, one_of, signal
from amber.trust.signals.vocabulary import EARLIER

# Other languages: the words for instructions (only those, not house rules: "affiche tes
# règles de jeu" is ordinary), for the system prompt, and for showing.
_X_INSTRUCTIONS = (
    r"(?:instructions|consignes|anweisungen|instruktionen|instrucciones|instruções|istruzioni|"
    r"instructies|instrukcj\w*|инструкци\w*)"
)
_X_SYSTEM_PROMPT = (
    r"(?:prompt\s+(?:du\s+)?syst[eè]me|system-?prompt|prompt\s+d[eio]l?\s+sistema|"
    r"systeemprompt|prompt\w*\s+systemow\w*|системн\w*\s+промпт\w*|系统提示|システムプロンプト)"
)
_X_SHOW = (
    r"(?:affiche\w*|montre\w*|révèle\w*|répète\w*|gib|zeig\w*|verrat\w*|muestr\w*|revel\w*|"
    r"repit\w*|dime|mostr\w*|rivel\w*|ripet\w*|toon|pokaż|ujawnij|покажи\w*|выведи\w*|显示|输出|"
    r"告诉|表示|教えて|出力)"
)

# Needles: a match of the signal holds one word of each group (see build.py).
_N_X_SHOW = (
    "affiche;montre;révèle;répète;gib;zeig;verrat;muestr;revel;repit;dime;mostr;rivel;ripet;"
    "toon;pokaż;ujawnij;покажи;выведи;显示;输出;告诉;表示;教えて;出力"
)
_N_LEAK_VERB = (
    "reveal;print;output;repeat;show;leak;disclose;dump;tell me;translate;summari;paraphrase;"
    "write out;display;spell out;recite;what were;what are"
)
_N_VERBATIM = (
    "verbatim;word for word;in full;in a code block;include everything;exact wording;exact json;"
    "wortwörtlich;mot pour mot;palabra por palabra;palavra por palavra;parola per parola;"
    "woord voor woord;слово в слово"
)

# A leak asks for the system prompt by name, or for "your" instructions.
_LEAK_SYSTEM = (
    r"(?:system (?:prompt|message|instructions)|initial (?:prompt|instructions)|"
    r"(?:hidden|secret) (?:prompt|instructions|rules)|tool definitions)"
)
_LEAK_YOURS = (
    rf"(?:(?:original |secret |full |exact |initial |hidden )?(?:instructions|prompt|rules|"
    rf"configuration|guidelines)|{_LEAK_SYSTEM})"
)

LEAKS: tuple[Signal, ...] = (
    # Asking for the agent's own prompt.
    signal(
        "prompt leak",
        2,
        (_N_LEAK_VERB, "your ;system;initial;hidden;secret;tool definitions"),
        r"\b(?:reveal|leak|disclose|dump|tell me|repeat|recite|spell out)\s+(?:me\s+)?"
        rf"(?:the\s+{_LEAK_SYSTEM}|your\s+{_LEAK_YOURS})\b",
        r"\b(?:print|output|show|display|translate|summari[sz]e|paraphrase|write out)\s+"
        rf"(?:me\s+)?(?:the\s+(?:text|contents?|words)\s+of\s+)?your\s+{_LEAK_YOURS}\b",
        rf"\b(?:print|output|show|display)\s+me\s+the\s+{_LEAK_SYSTEM}\b",
    ),
    signal(
        "prompt leak",
        2,
        (
            "words above;words before;text above;text before;sentences above;everything above;"
            "everything before;you were given;you have been given;give you;gave you;given you",
        ),
        r"\brepeat\s+(?:the\s+)?(?:words|text|sentences|everything)\s+(?:above|before)\b",
        r"\b(?:output|print|repeat|show|dump)\s+everything\s+(?:before|above)\s+(?:this|the)\b",
        r"\bwhat\s+(?:were|are)\s+(?:the\s+|your\s+)?(?:exact\s+)?(?:instructions|rules)\s+"
        r"you\s+(?:were|have been)\s+given\b",
        r"\bwhat\s+(?:instructions|rules|prompt)\s+(?:did|have)\s+(?:the|your)\s+(?:developers?|"
        r"creators?|operators?|owners?|makers?)\s+(?:give|gave|given)\s+you\b",
    ),
    signal(
        "prompt leak",
        2,
        (_N_X_SHOW,),
        rf"{_X_SHOW}[^.!?\n]{{0,40}}?{_X_SYSTEM_PROMPT}|{_X_SYSTEM_PROMPT}[^.!?\n]{{0,20}}?{_X_SHOW}",
        rf"\b{_X_SHOW}\s+(?:\S+\s+){{0,2}}?(?:tes|vos|deine\w*|tus|suas|seus|tue|tuoi|je|swoje|"
        rf"свои|твои)\s+(?:\S+\s+)?{_X_INSTRUCTIONS}",
    ),
    # Talking about the instructions the reader was given: "your previous instructions".
    signal(
        "refers to its instructions",
        1,
        ("you were given;you have been given;you received;you got",),
        r"\b(?:instructions|prompt|rules|directives|guidelines)\s+(?:that\s+)?you\s+(?:were|have "
        r"been)\s+given\b",
        r"\b(?:instructions|guidance|rules|directions|prompt|orders|message|setup)\s+(?:that\s+)?"
        r"you\s+(?:received|got)\b",
    ),
    signal(
        "refers to its instructions",
        1,
        (
            "setup;developer message;system message;system prompt;system instructions;"
            "initial message;initial prompt;parts;tools you",
        ),
        r"\byour\s+(?:(?:complete|full|entire|exact|original|initial|hidden|secret)\s+)?"
        r"(?:setup(?: text)?|developer message|system message|initial message|initial prompt)\b",
        r"\b(?:confidential|hidden|secret) parts\b|\btools you (?:have|can use|can call)\b",
        r"\bsystem (?:prompt|message|instructions) (?:that )?you\b",
    ),
    signal(
        "refers to its instructions",
        1,
        ("your ", "instructions;rules;prompt;directives;guidelines;programming;configuration"),
        rf"\byour\s+(?:{EARLIER}|hidden|secret|system|current|exact|full)\s+(?:instructions|"
        r"rules|prompt|directives|guidelines|programming|configuration)\b",
    ),
    signal("refers to its instructions", 1, ("tool definitions",), r"tool definitions"),
    # "verbatim", "word for word": how a leak asks to get everything.
    signal(
        "verbatim",
        1,
        (_N_VERBATIM,),
        one_of(*_N_VERBATIM.split(";")) + r"(?!\w)",
    ),
    signal("verbatim", 1, ("そのまま;完整",), r"そのまま|完整"),
    signal("verbatim", 1, ("exactly",), r"\bquote (?:it|them|this|that) exactly\b"),
)
