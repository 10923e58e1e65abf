"""Redact secrets from text before it is stored in the index or shown to a model.

Each secret becomes ``[REDACTED:<kind>]`` and the text around it is kept: for an
assignment only the value goes (``password=[REDACTED:password]``), for a URL only the
password (``https://user:[REDACTED:url_password]@host``).

Rules run in a fixed order, specific before generic: private key blocks, then token
formats with a known prefix (anthropic before openai; some 50 vendors, after gitleaks'
rules), then URL passwords and command lines, hex keys next to their vendor's name
(Datadog, Twilio, Mailgun), crypt and htpasswd hashes, ``~/.netrc`` and ``~/.pgpass``
lines, then values assigned to a secret-looking name (AWS secret key, password,
high-entropy token), and last secrets named in prose ("the wifi password is X"). The
text is held as segments; a redacted segment is never looked at again, so a generic rule
cannot re-label what a specific one found, and ``[REDACTED:...]`` markers already in the
input are left alone. Each rule has literal triggers, checked with ``in`` before its
regex runs, which keeps ordinary text cheap; rules that find only long tokens are not
even asked on text without a run of 20 token characters.

Yelp's detect-secrets was measured beside these rules (scripts/bench_redact.py's corpus):
it knows few of the formats above, its keyword and entropy plugins flag hashes and
names in ordinary code, and it is 15-20 times slower per line, so it is not used.

Shell history and agent transcripts add command lines: passwords given to well-known
commands (``mysql -p...``, ``sshpass -p``, ``docker login -p``, ``curl -u user:pw``,
``openssl -pass pass:...``) and ``NAME value`` pairs set without ``=`` (fish's ``set -x``,
``setenv``, ``aws configure set``).
"""

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["Redaction", "redact"]


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the kinds of secret removed, in order of appearance."""

    text: str
    kinds: tuple[str, ...]


Span = tuple[int, int, str]
Segment = tuple[str, str | None, bool]  # text, kind (None: plain text), redacted here

# What a value needs to count as random (see _looks_random). Tuned on tests/data/redact
# and the Python stdlib: 99% of random base64 strings of 20 chars reach 3.6 bits per char
# (of 32 hex chars, 3.3); dotted and snake_case names fail on their word runs instead.
ENTROPY_THRESHOLD = 3.5
HEX_ENTROPY_THRESHOLD = 3.3
MAX_WORDINESS = 0.65
CONTEXT_ENTROPY_THRESHOLD = 3.0  # a vendor's name before it: only `0000...` and the like fail

_MAX_PASSES = 3
_MARKER = re.compile(r"\[REDACTED:[a-z_]+\]")
_B = r"(?<![A-Za-z0-9+/_\-])"  # a token must not continue a longer word or base64 run
_E = r"(?![A-Za-z0-9_\-])"

_PRIVATE_KEY = (  # the whole block; without its END line, the base64 lines after BEGIN
    r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    r"(?:(?:[A-Za-z0-9+/=\s.,:]|-(?!----)|\\[nr])*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    r"|(?:(?:\r?\n|\\[nr])[A-Za-z0-9+/=]{16,}(?![^\s\\\"']))+)"
)
_GITHUB_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
_X = r"[A-Za-z0-9_\-]"  # base64url


def _after(prefix: str, rest: str) -> str:
    """``prefix`` (a literal that must not continue a longer token, as ``_B`` says) then
    ``rest``. The literal comes first so that the regex engine scans for it: on a long
    text that is some 30 times faster than trying the lookbehind at every position."""
    literal = re.escape(prefix)
    return literal + r"(?<![A-Za-z0-9+/_\-]" + literal + ")" + rest + _E


_DISCORD_ID = ("MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT")  # base64 of 17-20 digits
_VENDOR_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (  # prefixes as in gitleaks' rules
    ("sendgrid_key", ("SG.",), _after("SG.", rf"{_X}{{22}}\.{_X}{{43}}")),
    ("shopify_token", ("shp",), _after("shp", r"(?:at|ca|pa|ss)_[a-fA-F0-9]{32}")),
    ("digitalocean_token", ("_v1_",), _after("do", r"[opr]_v1_[a-f0-9]{64}")),
    ("vault_token", ("hvs.", "hvb.", "hvr."), _after("hv", rf"[sbr]\.{_X}{{24,}}")),
    ("linear_key", ("lin_api_", "lin_oauth_"), _after("lin_", r"(?:api|oauth)_[A-Za-z0-9]{40,64}")),
    ("postman_key", ("PMAK-",), _after("PMAK-", r"[a-fA-F0-9]{24}-[a-fA-F0-9]{34}")),
    (
        "newrelic_key",
        ("NRAK-", "NRAA-", "NRII-", "NRJS-"),
        _after("NR", rf"(?:(?:AK|AA|II)-{_X}{{27,32}}|JS-[a-f0-9]{{19}})"),
    ),
    (
        "age_key",
        ("AGE-SECRET-KEY-1",),
        r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Za-z0-9])",
    ),
    ("databricks_token", ("dapi",), _after("dapi", r"[a-f0-9]{32}(?:-[0-9])?")),
    (
        "discord_token",
        _DISCORD_ID,
        _B + rf"(?:M[TjzD]|N[DTjz]|O[DT]){_X}{{21,26}}\.{_X}{{6}}\.{_X}{{27,38}}" + _E,
    ),
    ("telegram_token", (":AA",), r"(?<![\w:])[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}" + _E),
    ("mailgun_key", ("key-",), _after("key-", r"[0-9a-f]{32}")),
    ("twilio_key", ("SK",), _after("SK", r"[0-9a-fA-F]{32}")),
    ("atlassian_token", ("ATATT3", "ATCTT3"), _after("AT", r"[AC]TT3[A-Za-z0-9_\-=]{150,250}")),
    ("notion_token", ("secret_",), _after("secret_", r"[A-Za-z0-9]{43}")),
    ("notion_token", ("ntn_",), _after("ntn_", r"[0-9]{11}[A-Za-z0-9]{35}")),
    (
        "sentry_token",
        ("sntry",),
        _after("sntry", r"(?:u_[a-f0-9]{64}|s_eyJ[A-Za-z0-9+/=_\-]{40,})"),
    ),
    (  # the key (and the secret of old DSNs) before the host: the DSN names the project
        "sentry_dsn",
        ("://",),
        r"http(?<![\w.+\-]http)s?://(?P<v>[0-9a-f]{32}(?::[0-9a-f]{32})?)@[A-Za-z0-9.\-]+"
        r"(?::[0-9]+)?/(?:[\w.\-]+/)*[0-9]+(?![\w.\-])",
    ),
    ("fcm_key", (":APA91b",), _after("AAAA", rf"{_X}{{7}}:APA91b{_X}{{120,150}}")),
    ("grafana_token", ("glsa_",), _after("glsa_", r"[A-Za-z0-9]{32}_[a-fA-F0-9]{8}")),
    ("grafana_token", ("glc_",), _after("glc_", r"[A-Za-z0-9+/]{32,400}={0,2}")),
    ("doppler_token", ("dp.",), _after("dp.", r"(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}")),
    ("pulumi_token", ("pul-",), _after("pul-", r"[a-f0-9]{40}")),
    (
        "terraform_token",
        (".atlasv1.",),
        _B + r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70}" + _E,
    ),
    ("dockerhub_token", ("dckr_",), _after("dckr_", rf"(?:pat|oat)_{_X}{{24,}}")),
    ("tailscale_key", ("tskey-",), _after("tskey-", r"[a-z]+-[A-Za-z0-9]+-[A-Za-z0-9]{20,}")),
    (  # Azure AD (Entra) client secrets: `Q~` after three characters and a digit
        "azure_secret",
        ("Q~",),
        r"(?<![\w~.\-])[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}(?![\w~.\-])",
    ),
    ("mapbox_token", ("sk.eyJ",), _after("sk.eyJ", rf"{_X}{{20,}}\.{_X}{{20,}}")),
    ("square_token", ("sq0",), _after("sq0", rf"(?:atp-{_X}{{22}}|csp-{_X}{{43}})")),
    ("square_token", ("EAAA",), _after("EAAA", rf"{_X}{{60}}")),
    ("mailchimp_key", ("-us",), _B + r"[0-9a-f]{32}-us[0-9]{1,2}" + _E),
    ("groq_key", ("gsk_",), _after("gsk_", r"[A-Za-z0-9]{52}")),
    ("replicate_token", ("r8_",), _after("r8_", r"[A-Za-z0-9]{37}")),
    ("onepassword_token", ("ops_eyJ",), _after("ops_eyJ", r"[A-Za-z0-9+/=_\-]{100,}")),
    ("heroku_key", ("HRKU-",), _after("HRKU-AA", rf"{_X}{{58}}")),
    ("supabase_token", ("sbp_",), _after("sbp_", r"[a-f0-9]{40}")),
    (
        "planetscale_token",
        ("pscale_",),
        _after("pscale_", r"(?:pw|tkn|oauth)_[A-Za-z0-9_.\-]{32,64}"),
    ),
)
_TOKEN_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "slack_webhook",
        ("hooks.slack.com",),
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{16,}",
    ),
    ("anthropic_key", ("sk-ant-",), _B + r"sk-ant-[A-Za-z0-9_\-]{20,}"),
    (
        "openai_key",
        ("sk-",),
        _B + r"sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}|[A-Za-z0-9]{32,})" + _E,
    ),
    (
        "github_token",
        _GITHUB_PREFIXES,
        _B + r"(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,})" + _E,
    ),
    (
        "slack_token",
        ("xox", "xapp-"),
        _B + r"(?:(?:xoxe\.)?xox[abposre]-\d+-[A-Za-z0-9\-]{8,}|xapp-\d-[A-Za-z0-9\-]{20,})",
    ),
    (
        "stripe_key",
        ("_live_", "_test_", "whsec_"),
        _B + r"(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})" + _E,
    ),
    ("google_api_key", ("AIza",), _B + r"AIza[0-9A-Za-z_\-]{35}" + _E),
    (
        "aws_access_key",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        _B + r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9+/])",
    ),
    ("gitlab_token", ("glpat-",), _B + r"glpat-[A-Za-z0-9_\-]{20,}" + _E),
    ("npm_token", ("npm_",), _B + r"npm_[A-Za-z0-9]{36}" + _E),
    (
        "huggingface_token",
        ("hf_",),
        _B + r"hf_(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]{30,}" + _E,
    ),
    ("pypi_token", ("pypi-AgE",), _B + r"pypi-AgE[A-Za-z0-9_\-]{50,}"),
    *_VENDOR_RULES,
    (
        "jwt",
        ("eyJ",),
        _B + r"eyJ[A-Za-z0-9_\-]{8,}\."
        r"(?:eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*|[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})",
    ),
)
_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/?#@\[\]\"'<>]{0,128}:"
    r"(?P<pw>[^\s/?#\[\]\"'<>]{1,256})@(?=[A-Za-z0-9\[])"
)
_QV = r"(?P<pw>'[^'\n]*'|\"[^\"\n]*\"|[^\s'\"]+)"  # a shell word, maybe quoted
_CLI_RULES: tuple[tuple[tuple[str, ...], str], ...] = (  # passwords given to known commands
    (
        ("mysql", "mariadb"),
        r"\b(?:mysql|mysqldump|mysqladmin|mariadb(?:-dump)?)\b[^\n;|&]*?\s-p" + _QV,
    ),
    (("sshpass",), r"\bsshpass\s+-p\s*" + _QV),
    (
        ("login",),
        r"\b(?:docker|podman|buildah|skopeo|helm)\b[^\n;|&]*?\blogin\b[^\n;|&]*?\s-p\s+" + _QV,
    ),
    (("curl",), r"\bcurl\b[^\n;|&]*?\s(?:-u|--user)(?:\s+|=)['\"]?[^\s:'\"]+:(?P<pw>[^\s'\"]+)"),
    (("-pass",), r"\s-pass(?:in|out)?\s+['\"]?pass:(?P<pw>[^\s'\"]+)"),
)
_SPACED = re.compile(  # `set -x NAME value` (fish), `setenv NAME value`, `aws configure set ...`
    r"\b(?:set(?:[ \t]+-[A-Za-z]+)*|setenv|setx)[ \t]+(?P<name>[A-Za-z_][\w.\-]{0,80})[ \t]+"
    + _QV
    + r"(?=[ \t]*(?:$|[;|&\n]))",
    re.M,
)
_ASSIGN = re.compile(  # name, optional type annotation, operator, optional auth scheme, value
    r"(?<![A-Za-z0-9_.\-])(?P<flag>--)?"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,80})[\"'`]?\]?"
    r"(?P<op>(?(flag)(?:[ \t]*=[ \t]*|[ \t]+)|(?:(?P<tight>=(?![= \t]))|[ \t]*"
    r"(?:(?::[ \t]*[A-Za-z_][\w.\[\], |]*?[ \t]*)?=(?!=)|=>|:=|:(?![:/]))[ \t]*)))"
    r"(?:(?i:bearer|basic|token|bot|digest)[ \t]+)?"
    r"(?:[bBrR]{0,2}\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|[bBrR]{0,2}'(?P<sq>(?:[^'\\\n]|\\.)*)'"
    r"|`(?P<bq>[^`\n]*)`|(?P<uq>(?:(?(tight)[^\s\"'`<>&;,]|[^\s\"'`<>]))+))"
)

# Formats without a prefix of their own (hex keys): the vendor's name shortly before tells.
_VENDOR_CONTEXT: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        "datadog_key",
        ("atadog", "ATADOG", "DD_", "dd_", "DD-", "dd-"),
        r"(?i:datadog|\bdd[_\-](?:api|app(?:lication)?)[_\-]key)",
        r"[0-9a-f]{40}|[0-9a-f]{32}",
    ),
    ("twilio_key", ("wilio", "WILIO", "AC"), r"(?i:twilio)|\bAC[0-9a-f]{32}\b", r"[0-9a-f]{32}"),
    (
        "mailgun_key",
        ("ailgun", "AILGUN"),
        r"(?i:mailgun)",
        r"[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}|[0-9a-f]{32}",
    ),
)
_NOT_A_KEY = re.compile(r"(?i)commit|sha|hash|digest|checksum|md5|rev|version|build|image|[@/]")
_NETRC = (  # ~/.netrc: `machine HOST login USER password PW`, on one line or several
    r"(?:\bmachine[ \t]+(?:localhost|[\w\-]+(?:\.[\w\-]+)+)|\bdefault(?=\s+(?:login|account)\b))"
    r"(?:\s+(?:login|account|port)[ \t]+\S+)*\s+password[ \t]+(?P<pw>\S+)"
)
_PGPASS = (  # ~/.pgpass: host:port:database:user:password (`*` for any; `\:` escapes)
    r"(?<![^\s'\"`=])(?=[^:\s]*[A-Za-z.*])[\w.\-*\[\]]+:(?:[0-9]{1,5}|\*)"
    r"(?::(?:[^:\s\\]|\\.)+){2}:(?P<pw>(?:[^:\s\\'\"`]|\\.)+)(?![^\s'\"`])"
)
_PASSWORD_HASH = (  # crypt(3) and htpasswd formats: bcrypt, apr1/md5, sha-crypt, yescrypt...
    r"(?<![\w$./])(?:\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}"
    r"|\$(?:apr1|1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}"
    r"|\$[56]\$(?:rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}(?:[./A-Za-z0-9]{43})?"
    r"|\$y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{1,86}\$[./A-Za-z0-9]{43}"
    r"|\$argon2(?:id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}"
    r"|\{S?SHA\}[A-Za-z0-9+/]{27,}={0,2})(?![\w./$])"
)
_HASH_TRIGGERS = ("$2", "$1$", "$apr1$", "$5$", "$6$", "$y$", "$argon2", "{SHA}", "{SSHA}")
# Prose: "the wifi password is X", "pwd for the NAS = X", "password X" (netrc, notes).
_PROSE_LINK = (  # "is", "was now", "is set to", or a qualifier then `:` or `=`
    r"(?P<link>(?:[ \t]+(?i:for|of|on|to|at)(?:[ \t]+[^\s:=]+){1,3}?)?"
    r"(?:[ \t]+(?i:is|was)(?:[ \t]+(?i:now|still|just))?(?:[ \t]+(?i:set|changed)[ \t]+to)?:?"
    r"[ \t]+|[ \t]+(?:(?i:set|changed|reset)[ \t]+)?(?i:to)[ \t]+)"
    r"|(?:[ \t]+(?i:for|of|on|to|at)(?:[ \t]+[^\s:=]+){1,3}?)[ \t]*[:=][ \t]*)"
)
_PROSE_VALUE = r"(?P<pw>\"[^\"\n]{1,100}\"|'[^'\n]{1,100}'|`[^`\n]{1,100}`|[^\s\"'`]{1,200})"
_PROSE_PASSWORD = (  # one word for a password (a plural names no value), a link, the value
    r"(?<![\w.$/\\\-])(?P<word>(?i:pass(?:word|wd|phrase)|pwd))\b"
    r"(?:" + _PROSE_LINK + r"|(?P<bare>[ \t]+))" + _PROSE_VALUE
)
_PROSE_TOKEN = (  # the same for tokens and keys, whose values must look random
    r"(?<![\w.$/\\\-])(?P<word>(?i:api[ _\-]?key|secret[ _\-]?key|access[ _\-]?(?:key|token)"
    r"|auth[ _\-]?token|token|secret))\b"
    r"(?:" + _PROSE_LINK + r"|(?P<bare>[ \t]+))" + _PROSE_VALUE
)
_COMPOUND = re.compile(r"[A-Za-z]+[0-9]{0,3}(?:[-_./'’][A-Za-z]+[0-9]{0,3})+")  # sha256-hashed
_COUNT = re.compile(r"[0-9]+[-+]?[A-Za-z]{0,10}")  # 12-character, 128bit, 8+
_WORD_AND_VERSION = re.compile(r"[a-z]+[0-9]{1,3}")  # sha256, utf8, v2
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# Every token format needs a run of 20 such characters: a text without one (most prose
# and code) skips those rules' triggers altogether, which keeps ordinary text cheap.
_LONG_RUN = re.compile(r"[A-Za-z0-9_\-]{20,}")
_OPERATOR = re.compile(r"[=:]")
_FLAG = re.compile(r"(?<!\S)--(?=[A-Za-z])")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_NAME_HINT = re.compile(r"(?i)pass|pw|secret|token|key|auth|cred")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_STRONG_PARTS = ("password", "passwd", "passphrase")
_STRONG_LAST = frozenset({"pass", "pwd", "pw"})
_MEDIUM = frozenset({"secret", "token", "auth", "authorization", "apikey", "bearer"})
_WEAK = frozenset({"key", "pass", "secret", "token", "auth", "credential", "credentials"})
_WEAK |= frozenset({"cred", "creds"})
_DENY_ANY = frozenset({"public", "publishable", "pub"})
_DENY_LAST = frozenset(
    "length len min max count size limit file files path dir env var name names field type url"
    " uri endpoint header headers prefix suffix policy regex pattern hint prompt label"
    " placeholder ttl timeout expiry expires expiration expire mode format id ids user username"
    " email login enabled enable disabled required method methods scope scopes provider backend"
    " version error errors message msg text help description title class service manager store"
    " index idx column col table schema source location ref arn kind strategy handler callback"
    " validator algorithm alg bits rounds iterations lifetime duration age at date time usage"
    " input output form button link view page route encoding charset data protocol protocols"
    " normalize".split()
)
_PLACEHOLDERS = frozenset(
    "none null nil true false yes no on off undefined required optional empty string str bytes"
    " int integer number bool boolean any unknown object dict list char text hidden redacted"
    " masked secret secrets password passwd pwd pass token key apikey api_key auth credentials"
    " example sample dummy test value foo bar baz todo tbd na n/a"
    " added removed deprecated changed fixed updated renamed deleted likewise ditto".split()
)
_PLACEHOLDER_BITS = ("your", "example", "placeholder", "xxx", "***", "...", "<", ">")
_PLACEHOLDER_START = ("$", "%", "{", "(", "[", "\\")
_MARKS = "#:@!?*"  # `!vault`, `@Value`, `*required`, `:sym`: a tag; `!j6DlzxCrpRQ`: a password
_TEMPLATE_START = ("$", "%", "{", "<", "*")
_SCHEMES = frozenset({"bearer", "basic", "token", "bot", "digest"})
_TYPE_NAME = re.compile(r"(?:[A-Z][a-z]+){2,}")
_LABEL = re.compile(r"[A-Za-z_\-]+")
_NUMERIC = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|[0-9][0-9._:\-]*)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+")
_SEG = r"(?:[A-Z]?[a-z]+|[A-Z]+)(?:[A-Z][a-z]+)*[0-9]{0,2}"  # word, Word, WORD, camelCase
_WORDY = re.compile(_SEG + r"(?:[-_./ ](?:" + _SEG + r"|[0-9]{1,2}))*")
_WORD_RUN = re.compile(r"[a-z]{4,}|[A-Z]{4,}|[A-Z][a-z]{3,}")
_TOKENISH = re.compile(r"[A-Za-z0-9+/=_\-]+")
_HEX = re.compile(r"[0-9a-fA-F]+")
_ID_FORMAT = re.compile(  # UUIDs and ULIDs name things; they are not secrets
    r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25}"
)
_FILE_NAME = re.compile(  # `src/chpasswd.c: Likewise.` in a changelog names a file
    r"\.(?:[0-9]|[ch]|cc|cpp|py|js|ts|go|rs|rb|java|sh|xml|html|md|txt|rst|json|ya?ml|in)$"
)
# `secret:1&rdquo;` is HTML and `?password=&next=/` an empty parameter, not a value.
_MARKUP = re.compile(r"&(?:[a-z]{2,}|#[0-9]+)(?:[;=]|$)")
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+]{40}")
_CODE_CHARS = frozenset("()[]{}")
_TERMINATORS = ("#", "//", ",", ";", ")", "}", "]", '"', "'", "&", "<")


@dataclass(frozen=True)
class _Rule:
    triggers: tuple[str, ...]
    find: Callable[[str], Iterator[Span]]
    long: bool = False  # finds only runs of 20+ token characters (see _LONG_RUN)

    def wants(self, text: str) -> bool:
        return any(trigger in text for trigger in self.triggers)


def redact(text: str) -> Redaction:
    """Replace every secret in ``text`` by ``[REDACTED:<kind>]``."""
    if not text:
        return Redaction(text, ())
    wanted = {index for trigger, indexes in _TRIGGERS if trigger in text for index in indexes}
    if _LONG_RUN.search(text):
        wanted.update(i for trigger, indexes in _LONG_TRIGGERS if trigger in text for i in indexes)
    rules = [_RULES[index] for index in sorted(wanted)]  # in their fixed order
    segments = _split_markers(text)
    for _ in range(_MAX_PASSES):  # until nothing changes, so redacting again is a no-op
        segments, changed = _run_rules(segments, rules)
        if not changed:
            break
    parts = [f"[REDACTED:{kind}]" if new else part for part, kind, new in segments]
    kinds = tuple(kind for _, kind, new in segments if new and kind is not None)
    return Redaction("".join(parts), kinds)


def _split_markers(text: str) -> list[Segment]:
    if "[REDACTED:" not in text:
        return [(text, None, False)]
    segments: list[Segment] = []
    pos = 0
    for m in _MARKER.finditer(text):
        segments += [(text[pos : m.start()], None, False), (m.group(), m.group()[10:-1], False)]
        pos = m.end()
    segments.append((text[pos:], None, False))
    return [s for s in segments if s[0]]


def _run_rules(segments: list[Segment], rules: list[_Rule]) -> tuple[list[Segment], bool]:
    changed = False
    for rule in rules:
        out: list[Segment] = []
        for segment in segments:
            if segment[1] is None and rule.wants(segment[0]):
                pieces = _cut(segment[0], rule.find(segment[0]))
                changed = changed or len(pieces) != 1 or pieces[0][1] is not None
                out.extend(pieces)
            else:
                out.append(segment)
        segments = out
    return segments, changed


def _cut(text: str, spans: Iterator[Span]) -> list[Segment]:
    pieces: list[Segment] = []
    pos = 0
    for start, end, kind in spans:
        if start > pos:
            pieces.append((text[pos:start], None, False))
        pieces.append(("", kind, True))
        pos = end
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], None, False))
    return pieces


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    """Rules compile on first use: most commands (``amber recall``) import this module and
    never redact, and compiling every rule would add some 20 ms to their start."""
    return re.compile(pattern)


def _pattern_finder(kind: str, pattern: str) -> Callable[[str], Iterator[Span]]:
    group = "v" if "(?P<v>" in pattern else 0  # `v`: the secret inside the match

    def find(text: str) -> Iterator[Span]:
        for m in _regex(pattern).finditer(text):
            yield m.start(group), m.end(group), kind

    return find


def _find_url_passwords(text: str) -> Iterator[Span]:
    for m in _URL_PASSWORD.finditer(text):
        if not m.group("pw").startswith(_TEMPLATE_START) and len(set(m.group("pw"))) > 1:
            yield m.start("pw"), m.end("pw"), "url_password"


def _cli_finder(pattern: str) -> Callable[[str], Iterator[Span]]:
    def find(text: str) -> Iterator[Span]:
        for m in _regex(pattern).finditer(text):
            start, end = _unquoted(m.group("pw"), m.start("pw"), m.end("pw"))
            value = text[start:end]
            if len(set(value)) > 1 and not _is_placeholder(value, []):
                yield start, end, "password"

    return find


def _unquoted(value: str, start: int, end: int) -> tuple[int, int]:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return start + 1, end - 1
    return start, end


def _find_spaced_assignments(text: str) -> Iterator[Span]:
    """``NAME value`` after a command that sets variables or settings (no ``=``)."""
    for m in _SPACED.finditer(text):
        words = [w.lower() for w in _WORD.findall(m.group("name"))]
        strength = _strength(words) if _NAME_HINT.search(m.group("name")) else 0
        start, end = _unquoted(m.group("pw"), m.start("pw"), m.end("pw"))
        kind = _classify(words, strength, text[start:end], loose=True) if strength else None
        if kind is not None:
            yield start, end, kind


def _context_finder(kind: str, name: str, token: str) -> Callable[[str], Iterator[Span]]:
    """A hex key a little after its vendor's name, unless what lies between says it is a
    commit, a hash or a version (``datadog-agent commit 9fceb02...``)."""
    pattern = rf"(?:{name})(?P<gap>[^\n]{{0,60}}?)(?<![A-Za-z0-9])(?P<v>{token})(?![A-Za-z0-9])"

    def find(text: str) -> Iterator[Span]:
        for m in _regex(pattern).finditer(text):
            gap, value = m.group("gap"), m.group("v")
            if not _NOT_A_KEY.search(gap) and _entropy(value) >= CONTEXT_ENTROPY_THRESHOLD:
                yield m.start("v"), m.end("v"), kind

    return find


def _find_netrc(text: str) -> Iterator[Span]:
    """``machine HOST ... password PW``: the format says what PW is, so any value counts."""
    for m in _regex(_NETRC).finditer(text):
        if not _is_placeholder(m.group("pw"), ["password"]):
            yield m.start("pw"), m.end("pw"), "password"


def _find_pgpass(text: str) -> Iterator[Span]:
    """host:port:database:user:password; the port (digits or ``*``) and a host with a
    letter or a dot keep times, MAC and IPv6 addresses out."""
    if text.count(":") < 4:  # cheaper than the regex on the many lines with one colon
        return
    for m in _regex(_PGPASS).finditer(text):
        if _classify(["password"], 3, m.group("pw"), loose=False) is not None:
            yield m.start("pw"), m.end("pw"), "password"


def _prose_finder(pattern: str) -> Callable[[str], Iterator[Span]]:
    """A secret named in prose: "the wifi password is X", "password X" on a line of its own."""

    def find(text: str) -> Iterator[Span]:
        for m in _regex(pattern).finditer(text):
            start, end = _unquoted(m.group("pw"), m.start("pw"), m.end("pw"))
            quoted = end - start < len(m.group("pw"))
            if not quoted and (
                _CODE_CHARS.intersection(m.group("pw")) or _MARKUP.search(m.group("pw"))
            ):
                continue  # `password is correct.&quot;);`: code around the word
            if not quoted:
                end -= len(text[start:end]) - len(text[start:end].rstrip(".,;:"))
            words = [w.lower() for w in _WORD.findall(m.group("word"))]
            kind = _prose_kind(words, text[start:end], quoted, bare=m.group("bare") is not None)
            if kind is not None:
                yield start, end, kind

    return find


def _prose_kind(words: list[str], value: str, quoted: bool, bare: bool) -> str | None:
    """Prose names a secret loosely, so its value must look like one: a password mixes
    letters with digits or symbols; a token or key must look random."""
    strength = _strength(words)
    if strength < 3:
        return _classify(words, strength, value, loose=True) if _looks_random(value) else None
    if len(value) < 6 or len(value) > 100 or _not_a_prose_password(value):
        return None
    if not quoted and _IDENT.fullmatch(value) and not any(c.isdigit() for c in value):
        return None  # a word or a name in code
    if bare and not (any(c.isalpha() for c in value) and any(c.isdigit() for c in value)):
        return None  # `password reset`, `passwd anonymous@`: without a link, letters and digits
    if bare and _WORD_AND_VERSION.fullmatch(value):
        return None  # `password sha256`: a word and a version more often than a password
    return _classify(words, strength, value, loose=not quoted)


def _not_a_prose_password(value: str) -> bool:
    """Code, counts (``12-character``), word compounds (``sha256-hashed``), file names, emails."""
    if value.isdigit():
        return len(value) < 8  # a count; eight digits and more, a PIN or a router's password
    return (
        bool(_CODE_CHARS.intersection(value))
        or (_DOTTED.fullmatch(value) is not None and all(map(_is_name_part, value.split("."))))
        or _COMPOUND.fullmatch(value) is not None
        or _COUNT.fullmatch(value) is not None
        or _NUMERIC.fullmatch(value) is not None
        or _FILE_NAME.search(value) is not None
        or _EMAIL.fullmatch(value) is not None
    )


def _find_assignments(text: str) -> Iterator[Span]:
    """Like ``_ASSIGN.finditer`` but faster: find operators, then match from the name."""
    starts = {_name_start(text, op.start()) for op in _OPERATOR.finditer(text)}
    if "--" in text:
        starts.update(flag.start() for flag in _FLAG.finditer(text))
    pos = 0
    for start in sorted(starts - {-1}):
        m = None if start < pos else _ASSIGN.match(text, start)
        if m is None:
            continue
        span = _assignment_span(m)
        if span is not None:
            yield span
        if span is not None or not _holds_assignment(m.group("uq")):
            pos = m.end()


def _holds_assignment(value: str | None) -> bool:
    """``--from-literal=password=...``: a short value that is itself an assignment to a
    secret name is read again from that name (short, so rescanning stays linear)."""
    return (
        value is not None and len(value) <= 200 and "=" in value and bool(_NAME_HINT.search(value))
    )


def _name_start(text: str, op: int) -> int:
    """Where the name assigned to by the operator at ``op`` begins (-1: no name)."""
    i = op
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    i -= text[i - 1 : i] == "]"
    i -= text[i - 1 : i] in ('"', "'", "`")
    end = i
    while i > 0 and text[i - 1] in _NAME_CHARS and end - i <= 82:
        i -= 1
    return -1 if i == end else i


def _assignment_span(m: re.Match[str]) -> Span | None:
    if not _NAME_HINT.search(m.group("name")) or _not_a_secret_name(m):
        return None
    words = [w.lower() for w in _WORD.findall(m.group("name"))]
    strength = _strength(words)
    if strength == 0 or (strength == 1 and m.string[m.start() - 1 : m.start()] in ("?", "&")):
        return None  # `?key=...` in a URL is a document or map key, unless its kind is known
    group = next(g for g in ("dq", "sq", "bq", "uq") if m.group(g) is not None)
    value = m.group(group)
    start = m.start(group)
    # Weak syntax, or a name where the secret word is not last (`password_normalize`).
    loose = (bool(m.group("flag")) and "=" not in m.group("op")) or not _secret_last(words)
    if m.group("flag") and value.startswith("-"):
        return None  # `--ask-password -user=foo`: the next option, not a value
    if group == "uq":
        value = value.rstrip(",;)]}")
        if _is_code(m, value) or not _is_terminated(m, start + len(value)) or _MARKUP.search(value):
            return None
        loose = loose or m.group("op") == ":"
    elif value.partition(" ")[0].lower() in _SCHEMES:
        head, _, value = value.partition(" ")
        start += len(head) + 1
    kind = _classify(words, strength, value, loose)
    return None if kind is None else (start, start + len(value), kind)


def _not_a_secret_name(m: re.Match[str]) -> bool:
    """Test results (``PASS: name``), the shell's ``$PWD``, file names (``src/passwd.c:``)."""
    name = m.group("name")
    if name in ("PASS", "PWD", "OLDPWD") or _FILE_NAME.search(name):
        return True
    return m.string[m.start() - 1 : m.start()] == "/"


def _secret_last(words: list[str]) -> bool:
    last = words[-1] if words else ""
    return last in _STRONG_LAST or last in _MEDIUM or any(p in last for p in _STRONG_PARTS)


def _is_code(m: re.Match[str], value: str) -> bool:
    """True when an unquoted value is an expression or a type in code, not a literal."""
    if _CODE_CHARS.intersection(value):
        return True
    rest = _rest_of_line(m.string, m.start("uq") + len(value)).lstrip(" \t")
    op = m.group("op").strip()
    closed = rest[:1] in (",", ")", "}", ";")
    if _DOTTED.fullmatch(value) and all(map(_is_name_part, re.split(r"\.|::|->", value))):
        return closed or m.group("op") != "="
    if not _IDENT.fullmatch(value):
        return False
    if op == ":" and _TYPE_NAME.fullmatch(value):
        return True
    spaced = m.group("op") != op
    no_digit = not any(c.isdigit() for c in value)
    return closed or op in (":=", "=>") or (spaced and op == "=" and no_digit)


def _is_name_part(part: str) -> bool:
    """``config``, ``SECRET_KEY``, ``_key``: a part of a dotted name in code (not ``Monkey142``)."""
    return "_" in part or part.startswith("$") or _WORDY.fullmatch(part) is not None


def _is_terminated(m: re.Match[str], end: int) -> bool:
    """An unquoted value after ``:`` or `` = `` must end its line (or its field)."""
    if m.group("tight") or m.group("flag"):
        return True
    rest = _rest_of_line(m.string, end).strip()
    if rest[:1] == "'" and rest[1:2].isalpha():  # `backup's`, `don't`: prose, not a value
        return False
    return not rest or rest.startswith(_TERMINATORS)


def _rest_of_line(text: str, pos: int) -> str:
    """What follows ``pos`` on its line, cut short: enough to see how a value ends."""
    return text[pos : pos + 80].partition("\n")[0]


def _strength(words: list[str]) -> int:
    """3: a password name, 2: a secret/token name, 1: key-like name, 0: not a secret name."""
    if not words or words[-1] in _DENY_LAST or _DENY_ANY.intersection(words):
        return 0
    if words[-1] in _STRONG_LAST or any(p in w for w in words for p in _STRONG_PARTS):
        return 3
    if _MEDIUM.intersection(words) or "apikey" in "".join(words):
        return 2
    return 1 if _WEAK.intersection(words) else 0


def _classify(words: list[str], strength: int, value: str, loose: bool) -> str | None:
    """The kind of secret ``value`` is, given its name; None if it is not one.

    ``loose`` marks weak syntax (``--flag value``, ``name:value``), where a value of
    letters only is taken for prose or code rather than a password.
    """
    if "secret" in words and {"aws", "access"} & set(words) and _AWS_SECRET.fullmatch(value):
        return "aws_secret_key"
    if _is_placeholder(value, words) or _is_not_secret(words, value):
        return None
    bare = value.rstrip(".,;:!?")
    if (loose and bare.isalpha()) or (words[-1] in _STRONG_LAST and bare.isdigit()):
        return None  # prose after a weak separator; `pass=13` counts passes
    if strength == 3 and len(value) >= 3:
        return "password"
    wordy = _WORDY.fullmatch(value.strip(":.!-_ ")) is not None
    if strength == 2 and len(value) >= 6 and not wordy and not _NUMERIC.fullmatch(value):
        return "password"
    if _looks_random(value):
        return "password" if strength >= 2 else "high_entropy"
    return None


def _is_placeholder(value: str, words: list[str]) -> bool:
    lowered = value.lower()
    bare = lowered.strip(":.!-_ ")
    return (
        not bare
        or bare in _PLACEHOLDERS
        or bare.replace("-", "_") == "_".join(words)
        or (_LABEL.fullmatch(value) is not None and any(w in lowered for w in words if len(w) > 3))
        or value.startswith(_PLACEHOLDER_START)
        or _is_tag(value)
        or any(bit in lowered for bit in _PLACEHOLDER_BITS)
        or len(set(lowered)) == 1
    )


def _is_tag(value: str) -> bool:
    """A YAML tag, decorator, comment or marker (``!vault``, ``@Value``, ``#{x}``), not a
    password that happens to start with punctuation (``!j6DlzxCrpRQuLbv``)."""
    if not value.startswith(tuple(_MARKS)):
        return False
    rest = value.lstrip(_MARKS)
    return (
        not rest
        or rest.startswith((*_PLACEHOLDER_START, "<", "/", "."))
        or _LABEL.fullmatch(rest) is not None
        or _FILE_NAME.search(rest) is not None
    )


def _is_not_secret(words: list[str], value: str) -> bool:
    """URLs, paths and prose: a passphrase may hold spaces, other secrets may not."""
    if "://" in value or value.startswith(("~/", "./", "../")):
        return True
    if (value.startswith("/") and not _looks_random(value)) or "%20" in value:
        return True
    return any(c.isspace() for c in value) and not any("phrase" in w for w in words)


def _entropy(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _wordiness(value: str) -> float:
    """Share of ``value`` in runs that read like words (``init``, ``Version``, ``HTTP``)."""
    return sum(len(run) for run in _WORD_RUN.findall(value)) / len(value)


def _looks_random(value: str) -> bool:
    """A token of 20+ characters with the character mix and entropy of a generated secret."""
    if len(value) < 20 or not _TOKENISH.fullmatch(value) or _ID_FORMAT.fullmatch(value):
        return False
    if _HEX.fullmatch(value):
        return len(value) >= 32 and _entropy(value) >= HEX_ENTROPY_THRESHOLD
    if _WORDY.fullmatch(value) or "__" in value or _wordiness(value) > MAX_WORDINESS:
        return False
    classes = [any(c.islower() for c in value), any(c.isupper() for c in value)]
    classes.append(any(c.isdigit() for c in value))
    return sum(classes) >= 2 and _entropy(value) >= ENTROPY_THRESHOLD


_MAY_BE_SHORT = frozenset({"slack_webhook", "slack_token", "jwt", "azure_secret"})  # no 20-run
_RULES: tuple[_Rule, ...] = (
    _Rule(("PRIVATE KEY",), _pattern_finder("private_key", _PRIVATE_KEY)),
    *(
        _Rule(triggers, _pattern_finder(kind, p), long=kind not in _MAY_BE_SHORT)
        for kind, triggers, p in _TOKEN_RULES
    ),
    _Rule(("://",), _find_url_passwords),
    *(_Rule(triggers, _cli_finder(pattern)) for triggers, pattern in _CLI_RULES),
    _Rule(("set ", "set\t", "setenv", "setx"), _find_spaced_assignments),
    *(
        _Rule(triggers, _context_finder(kind, name, token), long=True)
        for kind, triggers, name, token in _VENDOR_CONTEXT
    ),
    _Rule(_HASH_TRIGGERS, _pattern_finder("password_hash", _PASSWORD_HASH)),
    _Rule(("machine", "default"), _find_netrc),
    _Rule((":",), _find_pgpass),
    _Rule(("=", ":", "--"), _find_assignments),
    _Rule(
        ("assw", "ASSW", "assphrase", "ASSPHRASE", "pwd", "Pwd", "PWD"),
        _prose_finder(_PROSE_PASSWORD),
    ),
    _Rule(
        ("oken", "OKEN", "ecret", "ECRET", "key", "Key", "KEY"),
        _prose_finder(_PROSE_TOKEN),
        long=True,
    ),
)


def _trigger_table(long: bool) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Each trigger once, with the rules it wakes (``:`` wakes pgpass and assignments)."""
    table: dict[str, list[int]] = {}
    for index, rule in enumerate(_RULES):
        for trigger in rule.triggers if rule.long == long else ():
            table.setdefault(trigger, []).append(index)
    return tuple((trigger, tuple(indexes)) for trigger, indexes in table.items())


_TRIGGERS = _trigger_table(long=False)
_LONG_TRIGGERS = _trigger_table(long=True)
