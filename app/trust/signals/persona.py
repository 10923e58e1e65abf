"""Signals of a new persona: "you are now DAN", "from now on you will", "an assistant
without rules", in English and other languages.
"""

from __future__ import annotations

from amber.trust.signals.build import Signal, signal
from amber.trust.signals.vocabulary import AI_STRICT

# Needles: a match of the signal holds one word of each group (see build.py).
_N_X_NEW_ROLE = (
    "maintenant;désormais;dorénavant;jetzt;von nun an;ab sofort;ahora;agora;ora sei;adesso sei;"
    "ora in poi;je bent nu;vanaf nu;teraz;теперь;отныне;с этого момента;现在;今から;これから"
)

PERSONAS: tuple[Signal, ...] = (
    signal(
        "new identity",
        2,
        ("you are no;you are now",),
        r"\byou are (?:now|no longer)\s+(?:an?\s+)?(?:dan|jailbroken|unrestricted|unfiltered|"
        r"uncensored|in developer mode)\b",
        rf"\byou are no longer (?:an?\s+)?{AI_STRICT}\b",
    ),
    signal(
        "new identity",
        2,
        ("anything now;dan mode;developer mode",),
        r"\bdo anything now\b|\bdan mode\b",
        r"\bdeveloper mode (?:is\s+)?(?:now\s+)?(?:enabled|activated|engaged)\b",
        r"\bin developer mode,?\s+you\b",
    ),
    signal(
        "new role",
        1,
        ("you are now;from now on;from this moment;from this point;from here on",),
        r"\byou are now (?:a|an|the|my|called|named|acting)\b",
        r"\bfrom now on,?\s+(?:you|your)\s+(?:are|will|must|should|shall)\b",
        r"\bfrom (?:this moment|this point|here) on,?\s+you\b|\bfrom this moment,?\s+you are\b",
    ),
    signal(
        "new role",
        1,
        (" mode",),
        r"\byou are now in [\w-]+ mode\b",
        r"\b(?:override|god|jailbreak|debug|admin|unrestricted|developer|dan|sudo) mode "
        r"(?:on|enabled|activated)\b",
    ),
    signal(
        "new role",
        1,
        ("pretend;act as;roleplay;role-play;want you to",),
        r"\b(?:pretend (?:to be|you are|that you)|act as (?:if|though) you|role-?play as)\b",
        r"\bi want you to (?:act|pretend|behave|respond) as\b",
    ),
    signal(
        "new role",
        1,
        (
            "immerse;the role of;the persona of;character;you now work;persona;identity;new role;"
            "this mode;roleplay;role-play",
        ),
        r"\bimmerse yourself (?:in|into)\b|\b(?:take on|assume|adopt) the (?:role|persona) of\b",
        r"\brole-?play\s*:|\bnew (?:persona|identity|role)\s*:",
        r"\b(?:stay|remain) in character\b|\byou now work for\b",
        r"\b(?:switch to|enter|activate|adopt)\s+(?:\w+\s+){0,2}?persona\b",
        r"\bin this mode,?\s+you\b",
    ),
    signal(
        "new role",
        1,
        (_N_X_NEW_ROLE,),
        r"\btu es (?:maintenant|désormais)\b|\bvous êtes maintenant\b|\bà partir de maintenant\b",
        r"\bdorénavant\b|\bdu bist (?:jetzt|nun)\b|\bab jetzt\b|\bvon nun an\b|\bab sofort\b",
        r"\bahora eres\b|\ba partir de ahora\b|\bde ahora en adelante\b|\bagora (?:você é|és)\b",
        r"\ba partir de agora\b|\b(?:ora|adesso) sei\b|\bd[a']\s?ora in poi\b|\bje bent nu\b",
        r"\bvanaf nu\b|\bteraz jesteś\b|\bod teraz\b|\bтеперь ты\b|\bты теперь\b|\bотныне\b",
        r"\bс этого момента\b|你现在是|从现在开始|从现在起|あなたは今から|今からあなたは|これから",
    ),
    # A persona without limits: "an assistant without rules", "never refuses".
    signal(
        "no rules",
        1,
        ("no ;without", "restriction;rules;filter;limit;content polic;guideline;censorship"),
        r"\b(?:no|without(?: any)?)\s+(?:content\s+|ethical\s+|safety\s+)?(?:restrictions|rules|"
        r"filters|limits|limitations|content polic(?:y|ies)|guidelines|censorship)\b",
    ),
    signal(
        "no rules",
        1,
        ("never refuse;unfiltered;uncensored;unrestricted;jailbroken;answers;cares about nothing",),
        r"\bnever refuses?\b|\b(?:unfiltered|uncensored|unrestricted|jailbroken)\b",
        r"\banswers (?:everything|anything|any question)\b|\bcares about nothing\b",
    ),
    signal(
        "no rules",
        1,
        ("sans;ohne;sin ;sem ;senza;zonder;bez ;без;限制;制限",),
        r"\bsans (?:aucune )?(?:restriction|limite|règle)s?\b|\bohne (?:jegliche )?"
        r"(?:einschränkungen|regeln|grenzen|filter)\b",
        r"\bsin (?:ninguna )?(?:restricciones|reglas|límites)\b|\bsem (?:nenhuma )?(?:regras|"
        r"restrições|limites)\b|\bsenza (?:alcun )?(?:limiti|restrizioni|regole)\b",
        r"\bzonder (?:beperkingen|regels)\b|\bbez (?:żadnych )?(?:ograniczeń|zasad)\b",
        r"\bбез (?:каких-либо )?(?:ограничений|правил)\b",
        r"没有任何限制|没有限制|不受限制|制限のない|制限なし",
    ),
)
