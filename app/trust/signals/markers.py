"""Signals of markup that poses as the conversation's own structure: chat-template tokens,
role headers ("System:", "[ADMIN]"), and fake ends of what the agent was given ("END OF
TOOL RESULT"), after which the rest would read as new orders.
"""

from __future__ import annotations

from amber.trust.signals.build import Signal, pair, signal
from amber.trust.signals.vocabulary import AI

# A line that only says something ended: "--- END OF DOCUMENT ---", "[/TOOL OUTPUT]".
# (a bare "/prompt" line is a slash command: the slash form needs its bracket)
_END_OPEN = (
    r"^[^\S\n]*(?:[\[(<{#=*_~|>\-–—]*[^\S\n]*(?:end[ _]of[ _](?:the[ _])?|end[ _])|[\[(<{]/)"
)
_END_CLOSE = r"[^\S\n]*[\])>}#=*_~|<\-–—]*[^\S\n]*$"

CHAT_MARKUP: tuple[Signal, ...] = (
    # Chat-template tokens and role markers: never part of what a person writes. A token that
    # opens a role, or a pair of tags around text, is a strong sign; a lone end-of-turn token
    # in a developer's note is not.
    signal(
        "chat template",
        2,
        ("<|;inst];<<sys;<</sys;<system;</system;<instructions;</instructions",),
        r"<\|(?:im_start|system|user|assistant|start_header_id)\|>",
        r"^\s*\[/?inst\]|<</?sys>>|^\s*</?(?:system|system_prompt|instructions)>",
    ),
    # Tags in pairs, anywhere: `suite([inst])` in Python and "the `<system>` element" in a
    # doc are alone.
    signal("chat template", 2, ("[inst]", "[/inst]"), pair("[inst]", "[/inst]")),
    signal("chat template", 2, ("<system>", "</system>"), pair("<system>", "</system>")),
    signal(
        "chat template",
        2,
        ("<system_prompt>", "</system_prompt>"),
        pair("<system_prompt>", "</system_prompt>"),
    ),
    signal(
        "chat template",
        2,
        ("<instructions>", "</instructions>"),
        pair("<instructions>", "</instructions>"),
    ),
    signal(
        "chat template",
        2,
        ("system prompt;instruction",),
        r"^\s*(?:#+\s*)?(?:system prompt|(?:new|updated|hidden|secret) instructions?|"
        r"(?:assistant|ai|agent) instructions?)\s*:",
    ),
    signal("template token", 1, ("<|",), r"<\|(?:im_end|endoftext|eot_id|end_header_id)\|>"),
    signal(
        "role header",
        1,
        (),
        r"^\s*(?:#+\s*)?(?:system|assistant)\s*:",
        rf"^\s*{AI}\s*:",
        r"^\s*\[(?:system|admin|administrator|developer|operator)(?:\s+\w+)?\]",
        r"^\s*(?:important|urgent)?\s*(?:system|admin|developer)\s+(?:update|notice|message|"
        r"override|alert)\s*:",
    ),
)

END_MARKERS: tuple[Signal, ...] = (
    # A fake end of what the agent was given, so that what follows reads as new orders:
    # "END OF TOOL RESULT", "[END OF CONTEXT]", Amber's own "[END QUOTED DATA]".
    signal(
        "fake end marker",
        2,
        ("end;/",),
        rf"{_END_OPEN}(?:(?:tool|function)[ _](?:results?|outputs?|responses?|calls?)|"
        r"search[ _](?:results|output)|(?:retrieved|external|untrusted|quoted|user|web)[ _]"
        r"(?:data|content|input|text|documents?|page)|context(?: window)?|"
        r"system[ _](?:prompt|message)|"
        rf"instructions|prompt|user[ _](?:input|message|query)){_END_CLOSE}",
    ),
    signal(
        "fake end marker",
        2,
        ("quoted data",),
        r"\[\s*end quoted data\s*\]|^\s*\[quoted data\b",
    ),
    signal(
        "end marker",
        1,
        ("end;/",),
        rf"{_END_OPEN}(?:document|file(?:[ _]contents?)?|input|data|email|message|page|webpage|"
        rf"article|text|content|output|results?|conversation|chat){_END_CLOSE}",
    ),
    signal(
        "end marker",
        1,
        ("</",),
        r"</(?:documents?|context|search_results|results?|data|untrusted\w*|user_input|input|"
        r"content|tool_output|function_results|file|email|webpage|source)>",
    ),
)
