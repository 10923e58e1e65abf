"""Signals of text that speaks to the AI reading it ("Note to AI assistants:", "@copilot")
and gives it orders ("the assistant must now", "begin your reply with", "the user wants you
to").
"""

from __future__ import annotations

from amber.trust.signals.build import Signal, one_of, signal
from amber.trust.signals.vocabulary import AI, AI_STRICT

_AI_WORDS = one_of(
    *("ai", "llm", "llms", "language model", "language models", "chatbot", "claude", "chatgpt"),
    *("gpt", "gemini", "copilot"),
)
# Needles: a match of the signal holds one word of each group (see build.py).
_N_AI_NOTE = "attention;note;message;reminder;instructions;notice;memo;important"

ADDRESSES: tuple[Signal, ...] = (
    # Text that speaks to the AI reading it.
    signal(
        "addresses the ai",
        2,
        (_N_AI_NOTE,),
        rf"\b(?:attention|note|message|reminder|instructions|notice|memo|important)\s+(?:to|for)\s+"
        rf"(?:the\s+|any\s+|all\s+)?{AI_STRICT}(?:\s+\w+){{0,3}}?\s*[:!]",
        rf"\battention,?\s+{AI_STRICT}\s*[:,!]",
    ),
    signal("addresses the ai", 2, ("if you",), rf"\bif you(?:'re| are) an?\s+{AI_STRICT}\b"),
    signal(
        "addresses the ai",
        2,
        (
            "reading this;processing this;summarizing this;summarising this;parsing this;"
            "analyzing this;analysing this;crawling this",
        ),
        # ("the model is parsing the output" is ordinary; "this" points at the text itself)
        rf"\b{AI}s?\s+(?:that\s+is\s+|who\s+is\s+|is\s+)?(?:reading|processing|summari[sz]ing|"
        r"parsing|analy[sz]ing|crawling)\s+this\b",
    ),
    signal(
        "addresses the ai",
        2,
        ("instruction",),
        rf"(?:^|[.!?]\s)\s*(?:#+\s*)?{AI_STRICT}\s+instructions?\s*:",
    ),
    signal(
        "addresses the ai",
        2,
        ("die ki;für ki;an ki; ia;l'ia",),
        r"\b(?:hinweis|nachricht|notiz|anweisung|achtung)\s+(?:für|an)\s+(?:die\s+)?ki\b\s*[:!]",
        r"^\s*an die ki\s*:",
        r"\b(?:note|message|consigne)s?\s+(?:pour|à)\s+l'(?:assistant\s+)?(?:ia|ai)\b\s*[:!]",
        r"\b(?:nota|aviso|mensaje|atenci[oó]n|instrucci[oó]n(?:es)?)\s+(?:para\s+)?(?:la\s+|a\s+)?"
        r"ia\b\s*[:!,]",
        r"\b(?:nota|avviso|messaggio)\s+per\s+l'ia\b\s*[:!]",
        r"\baten[çc][aã]o,?\s+(?:ia|ai)\s*[:!,]",
        r"\bà l'ia\b|\bl'ia qui lit\b|\bki,? die (?:dies|das) liest\b|\bia que lee\b|"
        r"\bia que lê\b|\bia che legge\b",
    ),
    # Weaker: "AI coding agents:" opens an order, "AI features: on" a settings screen.
    signal(
        "addresses an assistant",
        1,
        ("ai;llm;language model;chatbot;claude;chatgpt;gpt;gemini;copilot", ":"),
        # (not a bare "ChatGPT:", which labels a transcript's turns)
        rf"{_AI_WORDS}(?:\s+[\w-]+){{1,3}}\s*:",
    ),
    signal(
        "addresses an assistant",
        1,
        ("@",),
        r"@(?:copilot|claude|chatgpt|gemini|codex|devin|cursor|ai|assistant|agent|bot)\b",
    ),
    # Weaker: "instructions for the bot:" is also how people document a chat bot.
    signal(
        "addresses an assistant",
        1,
        (_N_AI_NOTE + ";next step;task",),
        r"\b(?:attention|note|message|reminder|instructions|next step|task)\s+(?:to|for)\s+"
        r"(?:the\s+|any\s+|all\s+)?(?:assistants?|agents?|bots?|models?)\s*[:!)]",
        rf"\battention,?\s+{AI}\s*[:,!]",
    ),
    signal(
        "addresses an assistant",
        1,
        (),
        rf"^\s*(?:hey|hi|hello|dear|ok|okay)\s+{AI}\b",
        rf"^\s*{AI}\s*,\s",
    ),
)

ORDERS: tuple[Signal, ...] = (
    signal(
        "orders the ai",
        1,
        ("must;should;shall;will;needs to", "now;always;never;immediately;only;first"),
        rf"\bthe\s+{AI}\s+(?:must|should|shall|will|needs to)\s+(?:now|always|never|"
        r"immediately|only|first)\b",
        r"\byou\s+(?:must|should|will|shall|need to|have to)\s+now\b",
    ),
    signal(
        "orders the ai",
        1,
        ("new instructions;new task;new objective;new goal;new mission",),
        r"\bnew instructions\b|^\s*(?:#+\s*)?new (?:task|objective|goal|mission)\s*:",
    ),
    signal(
        "orders the ai",
        1,
        ("your new;your real;your actual;your next;your only;your true;your primary",),
        r"\byour\s+(?:new|real|actual|next|only|true|primary)\s+(?:objective|task|goal|mission|"
        r"instructions|orders|purpose|job|directive)\b",
    ),
    signal(
        "orders the ai",
        1,
        ("real ;actual ;true ;trust", "instructions;task;orders;commands;request;goal"),
        r"\b(?:real|actual|true)\s+(?:instructions|task|orders|request|goal)\s*(?:are|is|follows?|:)",
        r"\b(?:always\s+)?trust\s+(?:\w+\s+){0,2}(?:instructions|commands|orders)\b",
    ),
    signal(
        "orders the ai",
        1,
        ("from your;from the", "operator;developer;admin;creator;owner;security team"),
        r"\b(?:instructions?|orders?|message|text|note|update)\s+from\s+(?:your|the)\s+"
        r"(?:operator|developers?|administrator|admin|creator|owner|security team)\b",
    ),
    signal(
        "orders the ai",
        1,
        ("obey;comply;follow;execute;run",),
        r"\b(?:obey|comply with|follow)\s+(?:only\s+)?(?:the\s+)?(?:text|orders|instructions|"
        r"commands|directives|requests)\s+(?:in|from|of)\s+(?:this|the following)\s+(?:page|"
        r"document|file|text|note|email|message|comment|site)\b",
        r"\bobey\s+(?:only|this|these|the following)\b",
        r"\b(?:execute|run|perform)\s+the\s+(?:tool\s+)?(?:call|calls|command|commands|code)\s+"
        r"(?:above|below)\b",
        r"\b(?:execute|run|follow|obey)\s+(?:every|each|all|any|the)\s+(?:commands?|instructions?|"
        r"orders?|lines?)\s+(?:i\s+(?:put|wrote|left|gave)\s+)?(?:in|from|of)\s+(?:this|the)\s+"
        r"(?:document|page|file|note|text|email|message)\b",
    ),
    signal(
        "orders the ai",
        1,
        (
            "actually need;really need;actually want;really want;your operator;your developer;"
            "your creator;your owner;your maker",
        ),
        r"\bwhat i (?:actually|really) (?:need|want) is for you\b",
        r"\byour\s+(?:operator|developers?|creator|owner|makers?)\b",
    ),
    # Steering the reply itself: "before replying", "begin your reply with".
    signal(
        "shapes the reply",
        1,
        ("before", "repl;answer;respon"),
        r"\bbefore\s+(?:you\s+)?(?:reply|replying|answer|answering|respond|responding)\b",
    ),
    signal(
        "shapes the reply",
        1,
        ("when you;begin your;in your;into your",),
        r"\bwhen\s+you\s+(?:answer|reply|respond|summari[sz]e|read this)\b",
        r"\bbegin\s+your\s+(?:next\s+)?(?:reply|answer|response)\b",
        r"\b(?:in|into) your (?:answer|reply|response)\b",
    ),
    signal(
        "shapes the reply",
        1,
        ("with", "reply;respond;answer"),
        r"(?:^|[.!?:;]\s*|\b(?:and|then|please|only)\s+)(?:reply|respond|answer)\s+(?:only\s+)?with\b",
    ),
    signal(
        "shapes the reply",
        1,
        ("then reply;then respond;then answer;then say",),
        r"\bthen\s+(?:reply|respond|answer|say)\b",
    ),
    # Claiming to speak for the user: "the user now wants you to", "the user agreed".
    signal(
        "speaks for the user",
        1,
        ("the user",),
        r"\bthe user\s+(?:now\s+)?wants you to\b|\bthe user (?:has\s+)?asked you to\b",
        r"\bthe user (?:has\s+)?(?:already\s+)?(?:pre-?approved|authori[sz]ed|approved|agreed|"
        r"consented)\b",
        r"\b(?:tell|convince|persuade) the user (?:that|to)\b",
    ),
)
