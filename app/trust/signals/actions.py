"""Signals of what an injection wants done: run a script from the network, call tools, send
the user's data out, read secrets, wipe the memory, and all of it behind the user's back.
"""

from __future__ import annotations

from amber.trust.signals.build import Signal, signal

# Needles: a match of the signal holds one word of each group (see build.py).
_N_SECRET = (
    "password;api key;api_key;api-key;apikey;secret;credential;private key;ssh key;access token;"
    "tokens you;~/.;clipboard;cookies;browser history;address book"
)
_N_DESTROY = "delete;wipe;purge;erase;destroy;remove"

REMOTE_CODE: tuple[Signal, ...] = (
    # Running a script fetched from the network: rarely something to remember verbatim.
    signal(
        "remote code",
        1,
        ("curl;wget", "sh"),
        r"\b(?:curl|wget)\b[^\n|]{0,200}\|\s*(?:sudo\s+)?(?:ba|z)?sh\b",
    ),
)

ACTIONS: tuple[Signal, ...] = (
    # Acting behind the user's back.
    signal(
        "covert",
        1,
        ("tell;inform;alert;notify;warn;ask", "the user"),
        r"\b(?:do not|don't|never)\s+(?:tell|inform|alert|notify|warn|ask)\s+the user\b",
        r"\bwithout (?:telling|informing|alerting|notifying|asking) the user\b",
    ),
    signal(
        "covert",
        1,
        ("mention;no need to ask;without asking",),
        r"\b(?:do not|don't|never) mention (?:it|this|that)\b",
        r"\bno need to ask\b|\bwithout asking (?:anyone|first|them|the)\b",
    ),
    signal(
        "covert",
        1,
        ("silently;secretly;quietly;covertly",),
        r"\b(?:silently|secretly|quietly|covertly)\s+(?:\w+\s+)?"
        r"(?:call|run|execute|send|email|post|upload|delete|forget|write|remember|add|save|store|"
        r"change|update|modify|create|remove|share|forward|insert|mark|append)\b",
    ),
    # Tool-call markup and directives.
    signal(
        "tool call markup",
        2,
        ("tool_;function_;invoke;<parameter;default_api.;action input;args;arguments;parameters",),
        r"</?(?:tool_call|tool_use|function_call|function_calls|invoke|tool_result)\b",
        r"^\s*```\s*(?:tool_code|tool_call|function_call)\b|\bdefault_api\.\w+\(",
        r"^\s*action input\s*:|<parameter\s+name=",
        r"^\s*(?:tool|function|action)\s*:\s*[\w.-]+\s*\n\s*(?:args|arguments|parameters|input)\s*:",
    ),
    signal(
        "tool call",
        1,
        ('"name";"tool;"function',),
        r'"(?:name|tool|function|tool_name)"\s*:\s*"[^"]+"\s*,\s*'
        r'"(?:arguments|parameters|input|args)"\s*:',
    ),
    signal(
        "tool call",
        1,
        ("call;use;invoke;run;execute;trigger", "tool;function;_"),
        r"\b(?:call|use|invoke|run|execute|trigger)\s+(?:the\s+)?[`'\"]?[a-z_][\w.-]*[`'\"]?"
        r"\s+(?:tool|function)\b",
        r"\b(?:call|invoke|execute|trigger)\s+(?:the\s+)?[`'\"]?[a-z]+_[a-z_]+\b",
        r"\brun\s+[`'\"]?[a-z]+_[a-z_]+\(",
    ),
    signal(
        "exfiltration",
        1,
        ("send;email;post;upload;forward;append;submit;transmit;leak;copy", "http;@"),
        r"\b(?:send|email|post|upload|forward|exfiltrate|append|submit|transmit|leak|copy)\s+"
        r"(?:\S+\s+){0,8}?(?:to|via)\s+(?:https?://|\S+@\S+\.\w+)",
    ),
    signal("exfiltration", 1, ("exfiltrat",), r"\bexfiltrat"),
    signal("exfiltration", 1, ("={",), r"https?://\S*[?&][\w-]+=\{"),
    # A link that carries the user's data out: a markdown image whose URL holds a
    # placeholder, or a URL left open for something to be appended.
    signal(
        "exfiltration link",
        2,
        ("http", "="),
        r"!\[[^\]\n]*\]\(\s*https?://[^)\s]*[?&][\w-]+=(?:\{|<|%7b|\$\{|\[)",
        r"\b(?:send|append|post|upload|forward|attach|include)\b[^\n]{0,80}?"
        r"https?://\S*[?&][\w-]+=(?=[\s)\"'\]]|$)",
        r"https?://\S*[?&][\w-]+=\s+(?:followed by|plus|\+|and then)\b",
    ),
    signal(
        "asks for secrets",
        1,
        (_N_SECRET,),
        r"\b(?:reveal|print|output|list|show|send|give|tell|read|email|leak|dump|share|forward|"
        r"post|include)\s+(?:me\s+|us\s+)?(?:\S+\s+){0,4}?(?:passwords?|api[ _-]?keys?|"
        r"secret keys?|credentials|private keys?|ssh keys?|access tokens?|the secret|clipboard|"
        r"cookies|browser history|address book)\b",
        r"\b(?:reply|respond|answer)\s+(?:only\s+)?with\s+(?:\S+\s+){0,4}?(?:passwords?|"
        r"api keys?|credentials)\b",
        r"\b(?:any|all|the)\s+(?:api keys|passwords|secrets|credentials|tokens)\s+you\s+"
        r"(?:have\s+|'ve\s+)?(?:seen|read|stored|know)\b",
        r"~/\.(?:ssh|aws|gnupg|netrc)\b",
    ),
    signal(
        "asks for secrets",
        1,
        ("confidential;private;sensitive;secret;internal", "data;information"),
        r"\b(?:leaks?|shares?|reveals?|discloses?)\s+(?:confidential|private|sensitive|secret|"
        r"internal)\s+(?:data|information)\b",
    ),
)

DESTRUCTIVE: tuple[Signal, ...] = (
    # Wiping the memory wholesale: what an attacker wants from a memory store.
    signal(
        "destructive",
        1,
        (_N_DESTROY,),
        r"\b(?:delete|wipe|purge|erase|destroy|remove)\s+(?:all|every|each|the entire|the whole|"
        r"the)\s+(?:\S+\s+)?(?:memor(?:y|ies)|notes|entries|entry|records|folder|repo|repository|"
        r"database|workflows)\b",
    ),
)
