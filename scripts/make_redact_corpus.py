"""Generate the redaction test corpus in tests/data/redact (deterministic, seeded).

secrets.txt holds one fake but format-exact secret per line, inside realistic prose or
code; secrets.kinds holds the kind `amber.redact` must report for the same line. Vendor
tokens (right prefixes, lengths and alphabets) also stand bare: in a sentence, a JSON
value, a command, a checklist. Passwords also come in prose, ~/.netrc, ~/.pgpass and
htpasswd lines, and start with punctuation.
benign.txt holds ordinary text that must come out unchanged: prose, markdown, code,
git SHAs, UUIDs, base64 in docs and images, URLs without passwords, lockfile hashes,
versions, colors, and near misses (ordinary words after "password", passwd and shadow
lines, pgpass-like timestamps and addresses, vendor names next to commit hashes).

Usage: python scripts/make_redact_corpus.py [OUT_DIR]
"""

import base64
import json
import random
import re
import string
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

SEED = 20240611
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "redact"
ALNUM = string.ascii_letters + string.digits
UPPER_NUM = string.ascii_uppercase + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
rng = random.Random(SEED)


def pick(chars: str, n: int) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def mixed(chars: str, n: int) -> str:
    """Random string that contains at least one lower, upper and digit (if chars allow)."""
    while True:
        s = pick(chars, n)
        groups = (string.ascii_lowercase, string.ascii_uppercase, string.digits)
        if all(any(c in g for c in s) for g in groups if any(c in g for c in chars)):
            return s


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --- secrets -------------------------------------------------------------------------


def aws_access_key() -> str:
    return rng.choice(["AKIA", "AKIA", "ASIA"]) + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def aws_secret() -> str:
    return mixed(B64, 40)


def github_token() -> str:
    if rng.random() < 0.25:
        return "github_pat_" + mixed(ALNUM, 22) + "_" + mixed(ALNUM, 59)
    return "gh" + rng.choice("pousr") + "_" + mixed(ALNUM, 36)


def openai_key() -> str:
    r = rng.random()
    if r < 0.35:
        return "sk-" + mixed(ALNUM, 20) + "T3BlbkFJ" + mixed(ALNUM, 20)
    if r < 0.85:
        return "sk-proj-" + mixed(B64URL, 156)
    return "sk-svcacct-" + mixed(B64URL, 120)


def anthropic_key() -> str:
    kind = rng.choice(["api03", "api03", "admin01"])
    return f"sk-ant-{kind}-" + mixed(B64URL, 93) + "AA"


def slack_token() -> str:
    r = rng.random()
    if r < 0.5:
        return f"xoxb-{pick(string.digits, 12)}-{pick(string.digits, 13)}-{mixed(ALNUM, 24)}"
    if r < 0.8:
        digits = "-".join(pick(string.digits, n) for n in (11, 12, 13))
        return f"xox{rng.choice('pas')}-{digits}-{pick(HEX, 32)}"
    return f"xapp-1-A{pick(UPPER_NUM, 10)}-{pick(string.digits, 13)}-{pick(HEX, 64)}"


def slack_webhook() -> str:
    return (
        f"https://hooks.slack.com/services/T{pick(UPPER_NUM, 8)}/B{pick(UPPER_NUM, 10)}/"
        + mixed(ALNUM, 24)
    )


def stripe_key() -> str:
    prefix = rng.choice(["sk_live_", "sk_live_", "rk_live_", "sk_test_", "rk_test_"])
    return prefix + mixed(ALNUM, rng.choice([24, 99]))


def google_api_key() -> str:
    return "AIza" + mixed(B64URL, 35)


def jwt() -> str:
    header = {"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    payload = {
        "sub": str(rng.randint(10**6, 10**9)),
        "name": rng.choice(["Ada Lovelace", "Alan Turing", "Grace Hopper"]),
        "iat": rng.randint(1_600_000_000, 1_750_000_000),
    }
    parts = [b64url(json.dumps(p, separators=(",", ":")).encode()) for p in (header, payload)]
    return ".".join([*parts, b64url(rng.randbytes(32))])


def private_key_oneline() -> str:
    label = rng.choice(["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "])
    body = "\\n".join(pick(B64, 64) for _ in range(rng.randint(3, 8)))
    return f"-----BEGIN {label}PRIVATE KEY-----\\n{body}\\n-----END {label}PRIVATE KEY-----\\n"


def password() -> str:
    words = ["correct", "horse", "Summer", "dragon", "Monkey", "shadow", "Sunshine", "tiger"]
    return (
        rng.choice(words)
        + str(rng.randint(1, 9999))
        + rng.choice("!#%*+-_.^~")
        + pick(ALNUM, rng.randint(0, 6))
    )


def opaque_token() -> str:
    return mixed(ALNUM + "-_", rng.randint(24, 48))


def gitlab_token() -> str:
    return "glpat-" + mixed(ALNUM + "-_", 20)


def npm_token() -> str:
    return "npm_" + mixed(ALNUM, 36)


def huggingface_token() -> str:
    return "hf_" + mixed(string.ascii_letters, 34)


def pypi_token() -> str:
    return "pypi-AgEIcHlwaS5vcmc" + mixed(B64URL, rng.randint(60, 120))


def discord_token() -> str:
    user_id = str(rng.randint(10**17, 10**19 - 1)).encode()
    return ".".join([b64url(user_id), mixed(B64URL, 6), mixed(B64URL, rng.choice([27, 38]))])


def telegram_token() -> str:
    return f"{rng.randint(10**7, 10**10 - 1)}:AA{rng.choice('EFGH')}" + mixed(B64URL, 32)


def sentry_dsn() -> str:
    host = rng.choice([f"o{rng.randint(10**5, 10**7)}.ingest.sentry.io", "sentry.acme.dev"])
    return f"https://{pick(HEX, 32)}@{host}/{rng.randint(2, 10**7)}"


def atlassian_token() -> str:
    return "ATATT3xFfGF0" + mixed(B64URL, 171) + "=" + pick(HEX.upper(), 8)


def fcm_key() -> str:
    return "AAAA" + mixed(B64URL, 7) + ":APA91b" + mixed(B64URL, 134)


def azure_secret() -> str:
    return mixed(ALNUM + "_.", 3) + rng.choice(string.digits) + "Q~" + mixed(ALNUM + "_.~-", 34)


def mapbox_token() -> str:
    payload = b64url(json.dumps({"u": rng.choice(NAMES), "a": mixed(ALNUM, 25)}).encode())
    return f"sk.{payload}." + mixed(B64URL, 22)


def vault_token() -> str:
    return rng.choice(["hvs.", "hvs.", "hvb."]) + mixed(B64URL, rng.choice([24, 91]))


AGE_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mual7".upper()
PROSE_PASSWORD_CHARS = ALNUM + "!#%&*+-_.^~@$?"


def prose_password() -> str:
    """A password with symbols inside; one that starts with `$`, `%` or `{` reads as a variable
    or a template (`$DB_PASSWORD`, `%(pw)s`), and amber.redact leaves those alone."""
    if rng.random() < 0.5:
        return password()
    return rng.choice(ALNUM) + mixed(PROSE_PASSWORD_CHARS, rng.randint(7, 19))


def punct_password() -> str:
    """A password that starts with punctuation (`!j6DlzxCrpRQuLbv`)."""
    return rng.choice("!#?@*:&^~") + mixed(ALNUM, rng.randint(10, 18))


def password_hash() -> str:
    salt = pick(ALNUM + "./", 8)
    r = rng.random()
    if r < 0.3:
        return f"$apr1${salt}$" + pick(ALNUM + "./", 22)
    if r < 0.55:
        return (
            f"$2{rng.choice('aby')}$"
            + f"{rng.choice([5, 10, 12])}$".zfill(3)
            + pick(ALNUM + "./", 53)
        )
    if r < 0.7:
        return "{SHA}" + base64.b64encode(rng.randbytes(20)).decode()
    if r < 0.85:
        return f"$6${salt}$" + pick(ALNUM + "./", 86)
    return f"$y$j9T${pick(ALNUM + './', 22)}$" + pick(ALNUM + "./", 43)


# Tokens with a vendor prefix (kind, generator): the formats of gitleaks' rules.
VENDOR_TOKENS: dict[str, Callable[[], str]] = {
    "sendgrid_key": lambda: f"SG.{mixed(B64URL, 22)}.{mixed(B64URL, 43)}",
    "shopify_token": lambda: rng.choice(["shpat_", "shpca_", "shppa_", "shpss_"]) + pick(HEX, 32),
    "digitalocean_token": lambda: rng.choice(["dop_v1_", "doo_v1_", "dor_v1_"]) + pick(HEX, 64),
    "vault_token": vault_token,
    "linear_key": lambda: "lin_api_" + mixed(ALNUM, 40),
    "postman_key": lambda: f"PMAK-{pick(HEX, 24)}-{pick(HEX, 34)}",
    "newrelic_key": lambda: rng.choice(["NRAK-", "NRAK-", "NRAA-"]) + pick(UPPER_NUM, 27),
    "age_key": lambda: "AGE-SECRET-KEY-1" + pick(AGE_ALPHABET, 58),
    "databricks_token": lambda: "dapi" + pick(HEX, 32) + rng.choice(["", "", "-2", "-3"]),
    "discord_token": discord_token,
    "telegram_token": telegram_token,
    "mailgun_key": lambda: "key-" + pick(HEX, 32),
    "twilio_key": lambda: "SK" + pick(HEX, 32),
    "atlassian_token": atlassian_token,
    "notion_token": lambda: rng.choice(
        ["secret_" + mixed(ALNUM, 43), "ntn_" + pick(string.digits, 11) + mixed(ALNUM, 35)]
    ),
    "sentry_token": lambda: rng.choice(["sntryu_" + pick(HEX, 64), "sntrys_eyJ" + mixed(B64, 150)]),
    "fcm_key": fcm_key,
    "grafana_token": lambda: rng.choice(
        [f"glsa_{mixed(ALNUM, 32)}_{pick(HEX, 8)}", "glc_eyJ" + mixed(ALNUM, 120) + "="]
    ),
    "doppler_token": lambda: f"dp.{rng.choice(['pt', 'st', 'sa', 'ct'])}." + mixed(ALNUM, 43),
    "pulumi_token": lambda: "pul-" + pick(HEX, 40),
    "terraform_token": lambda: f"{mixed(ALNUM, 14)}.atlasv1.{mixed(ALNUM, 67)}",
    "dockerhub_token": lambda: "dckr_pat_" + mixed(B64URL, 27),
    "tailscale_key": lambda: (
        f"tskey-{rng.choice(['auth', 'api', 'client'])}-"
        + f"{mixed(ALNUM, 12)}CNTRL-{mixed(ALNUM, 33)}"
    ),
    "azure_secret": azure_secret,
    "mapbox_token": mapbox_token,
    "square_token": lambda: rng.choice(["sq0atp-" + mixed(B64URL, 22), "EAAA" + mixed(B64URL, 60)]),
    "mailchimp_key": lambda: pick(HEX, 32) + f"-us{rng.randint(1, 21)}",
    "groq_key": lambda: "gsk_" + mixed(ALNUM, 52),
    "replicate_token": lambda: "r8_" + mixed(ALNUM, 37),
    "onepassword_token": lambda: "ops_eyJ" + mixed(B64, rng.randint(300, 600)),
    "heroku_key": lambda: "HRKU-AA" + mixed(B64URL, 58),
    "supabase_token": lambda: "sbp_" + pick(HEX, 40),
    "planetscale_token": lambda: rng.choice(["pscale_pw_", "pscale_tkn_"]) + mixed(B64URL, 43),
}
# Where a bare token turns up: prose, chat, a command, JSON under a neutral name, a file.
BARE_TEMPLATES = [
    "here it is: {}",
    "I pasted {} into the wrong channel, sorry",
    "{}",
    '  "value": "{}",',
    "curl -H 'X-Auth: {}' https://api.acme.dev/v1/me",
    "- [ ] revoke {} before Friday",
    "Bash: ./deploy.sh --credential {} --env prod",
]
# Formats without a prefix: only the vendor's name nearby tells what they are.
CONTEXT_TOKENS: list[tuple[str, Callable[[], str], list[str]]] = [
    (
        "datadog_key",
        lambda: pick(HEX, rng.choice([32, 40])),
        [
            "datadog api key: {}",
            "DD_API_KEY={}",
            "my Datadog app key is {}",
            "export DATADOG_APP_KEY={}",
            "DD-APPLICATION-KEY: {}",
        ],
    ),
    (
        "twilio_key",
        lambda: pick(HEX, 32),
        [
            "TWILIO_AUTH_TOKEN={}",
            "twilio auth token {}",
            'client = Client("AC{}", "{}")'.format("0" * 32, "{}"),
        ],
    ),
    (
        "mailgun_key",
        lambda: f"{pick(HEX, 32)}-{pick(HEX, 8)}-{pick(HEX, 8)}",
        ["MAILGUN_API_KEY={}", "the mailgun key is {}", "mailgun private key {}"],
    ),
    (
        "sentry_dsn",
        sentry_dsn,
        ["SENTRY_DSN={}", 'sentry_sdk.init(dsn="{}")', "Sentry DSN for staging: {}", "{}"],
    ),
]
PASSWORD_TEMPLATES: list[tuple[str, Callable[[], str], list[str]]] = [
    (
        "password",
        prose_password,
        [
            "the wifi password is {}",
            "set the password to {}",
            "Your password is: {}",
            "My bank password was {} until I changed it",
            "Passphrase for the backup disk is {}",
            "pwd for the NAS = {}",
            "The new router password: {}.",
            "machine api.github.com login ana password {}",
            "  password {}",
            "default login anonymous password {}",
            "db.internal:5432:prod:app:{}",
            "localhost:*:*:postgres:{}",
            "echo '10.0.4.17:5432:bakery:report:{}' >> ~/.pgpass",
        ],
    ),
    (
        "password",
        punct_password,
        [
            "DB_PASSWORD={}",
            "password: '{}'",
            "export ADMIN_PASS={}",
            '"passwd": "{}"',
            "the vpn password is {}",
        ],
    ),
    (
        "password_hash",
        password_hash,
        [
            "ana:{}",
            "admin:{}",
            'hashed = "{}"',
            "echo 'deploy:{}' >> /etc/nginx/.htpasswd",
        ],
    ),
]


def vendor_templates() -> list[tuple[str, Callable[[], str], list[str]]]:
    return [(kind, make, BARE_TEMPLATES) for kind, make in VENDOR_TOKENS.items()]


SECRET_TEMPLATES: list[tuple[str, Callable[[], str], list[str]]] = [
    (
        "aws_access_key",
        aws_access_key,
        [
            "export AWS_ACCESS_KEY_ID={}",
            "aws_access_key_id = {}",
            '"AccessKeyId": "{}",',
            "Found credentials for key {} in ~/.aws/credentials",
            "AWS_ACCESS_KEY_ID: {}",
            "aws configure set aws_access_key_id {}",
        ],
    ),
    (
        "aws_secret_key",
        aws_secret,
        [
            "export AWS_SECRET_ACCESS_KEY={}",
            "aws_secret_access_key = {}",
            '"SecretAccessKey": "{}",',
            "  secretAccessKey: '{}',",
            "AWS_SECRET_KEY={}",
            "aws configure set aws_secret_access_key {}",
            "set -x AWS_SECRET_ACCESS_KEY {}",
        ],
    ),
    (
        "github_token",
        github_token,
        [
            "export GITHUB_TOKEN={}",
            "git clone https://x-access-token:{}@github.com/acme/repo.git",
            "curl -H 'Authorization: token {}' https://api.github.com/user",
            "my token is {} please don't share",
            "  github-token: {}",
            "gh auth login --with-token <<< {}",
            "Bash: git push https://x-access-token:{}@github.com/acme/app.git main",
        ],
    ),
    (
        "openai_key",
        openai_key,
        [
            "OPENAI_API_KEY={}",
            'client = OpenAI(api_key="{}")',
            "openai.api_key = '{}'",
            "I accidentally pasted {} into the chat",
            "set -gx OPENAI_API_KEY {}",
            '{{"command": "export OPENAI_API_KEY={} && python eval.py"}}',
        ],
    ),
    (
        "anthropic_key",
        anthropic_key,
        [
            "ANTHROPIC_API_KEY={}",
            'client = anthropic.Anthropic(api_key="{}")',
            "x-api-key: {}",
            "the key ({}) was revoked yesterday",
            "setenv ANTHROPIC_API_KEY {}",
        ],
    ),
    (
        "slack_token",
        slack_token,
        [
            "SLACK_BOT_TOKEN={}",
            'slack_client = WebClient(token="{}")',
            "Use {} for the workspace bot",
        ],
    ),
    (
        "slack_webhook",
        slack_webhook,
        [
            "SLACK_WEBHOOK_URL={}",
            'requests.post("{}", json=payload)',
            "webhook: {}",
        ],
    ),
    (
        "stripe_key",
        stripe_key,
        [
            "STRIPE_SECRET_KEY={}",
            'stripe.api_key = "{}"',
            "Stripe key for staging: {}",
        ],
    ),
    (
        "google_api_key",
        google_api_key,
        [
            "GOOGLE_API_KEY={}",
            "https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key={}",
            '  "apiKey": "{}",',
        ],
    ),
    (
        "jwt",
        jwt,
        [
            "Authorization: Bearer {}",
            'const session = "{}";',
            "curl -H 'Authorization: Bearer {}' https://api.acme.dev/v1/me",
            "id_token={}",
        ],
    ),
    (
        "private_key",
        private_key_oneline,
        [
            '  "private_key": "{}",',
            'SSH_KEY="{}"',
            'deploy_key: "{}"',
        ],
    ),
    (
        "url_password",
        lambda: mixed(ALNUM, rng.randint(10, 24)),
        [
            "DATABASE_URL=postgres://app:{}@db.internal:5432/prod",
            "redis://:{}@cache.local:6379/0",
            'MONGO_URI = "mongodb+srv://admin:{}@cluster0.ab1cd.mongodb.net/app"',
            "pip install --index-url https://deploy:{}@pypi.acme.dev/simple/ acme-tools",
            "amqp://worker:{}@rabbitmq:5672/vhost",
            '{{"command": "psql postgresql://report:{}@db.internal/bakery -c \'select 1\'"}}',
        ],
    ),
    (
        "password",
        password,
        [
            "password={}",
            'DB_PASSWORD="{}"',
            '  "password": "{}",',
            "    password: {}",
            "PGPASSWORD={} psql -h localhost -U app",
            "mysql_pwd = '{}'",
            "$password = '{}';",
            '\tPassword: "{}",',
            "spring.datasource.password={}",
            "./deploy.sh --password={} --env=prod",
            "smtp_pass: {}",
            "the admin passwd: {}",
            "mysql -u app -p'{}' -h db.internal prod",
            "sshpass -p '{}' ssh deploy@10.0.4.17",
        ],
    ),
    (
        "password",
        opaque_token,
        [
            "mysqldump -uroot -p{} --all-databases > all.sql",
            "docker login -u ci -p {} registry.gitlab.com",
            "curl -u deploy:{} https://repo.example.com/api/upload",
            "openssl enc -aes-256-cbc -salt -pass pass:{} -in backup.tar -out backup.enc",
            "kubectl create secret generic db --from-literal=password={}",
            "set -x DB_PASSWORD {}",
        ],
    ),
    (
        "password",
        opaque_token,
        [
            "SECRET_KEY = 'django-insecure-{}'",
            "client_secret: {}",
            'headers = {{"X-Api-Key": "{}"}}',
            "https://api.acme.dev/v1/export?format=csv&access_token={}",
            "AUTH_TOKEN={}",
            "//npm.pkg.github.com/:_authToken={}",
            '"auth": "{}"',
            "api_key: {}",
            "Authorization: Bearer {}",
            'webhook_secret = "{}"',
        ],
    ),
    (
        "gitlab_token",
        gitlab_token,
        [
            "git clone https://oauth2:{}@gitlab.com/acme/app.git",
            "export GITLAB_TOKEN={}",
            "glab auth login --token {}",
        ],
    ),
    (
        "npm_token",
        npm_token,
        [
            "//registry.npmjs.org/:_authToken={}",
            "npm config set //registry.npmjs.org/:_authToken {}",
            "NPM_TOKEN={} npm publish",
        ],
    ),
    (
        "huggingface_token",
        huggingface_token,
        [
            "huggingface-cli login --token {}",
            "HF_TOKEN={} python train.py",
            'login(token="{}")',
        ],
    ),
    (
        "pypi_token",
        pypi_token,
        [
            "twine upload -u __token__ -p {} dist/*",
            "password = {}",
            "UV_PUBLISH_TOKEN={} uv publish",
        ],
    ),
    (
        "high_entropy",
        lambda: mixed(B64, rng.choice([32, 44])),
        [
            "ENCRYPTION_KEY={}",
            'signing_key: "{}"',
            'MASTER_KEY = "{}"',
            "  hmacKey: '{}',",
            '"credentials": "{}"',
            "license_key={}",
        ],
    ),
]


def secrets_lines(per_template: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    groups = [*SECRET_TEMPLATES, *vendor_templates(), *CONTEXT_TOKENS, *PASSWORD_TEMPLATES]
    for kind, make, templates in groups:
        for template in templates:
            rows.extend((template.format(make()), kind) for _ in range(per_template))
    return rows


# --- benign --------------------------------------------------------------------------

WORDS = (
    "the a memory note index search token password key secret auth login user session"
    " context tree entry markdown file folder sync encrypt vault backup restore import"
    " export review meeting project deadline draft idea summary agent model prompt cache"
    " credential rotate expire refresh settings page button reset account team release"
    " version build test deploy server client request response header cookie browser"
).split()
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]


def sentence() -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    return " ".join(words).capitalize() + rng.choice([".", ".", "?", "!"])


def sha(n: int = 40) -> str:
    return pick(HEX, n)


def b64_text() -> str:
    return base64.b64encode(sentence().encode()).decode()


def a_uuid() -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ulid() -> str:
    return rng.choice("01") + pick("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 25)


def version() -> str:
    return f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"


def color() -> str:
    return "#" + pick(HEX, rng.choice([3, 6]))


FILLERS: dict[str, Callable[[], str]] = {
    "sha": sha,
    "short": lambda: sha(7),
    "sha256": lambda: sha(64),
    "uuid": a_uuid,
    "ulid": ulid,
    "ver": version,
    "color": color,
    "b64": b64_text,
    "name": lambda: rng.choice(NAMES),
    "n": lambda: str(rng.randint(1, 5000)),
    "word": lambda: rng.choice(WORDS),
    "sri": lambda: base64.b64encode(rng.randbytes(64)).decode(),
    "sentence": sentence,
    "png": lambda: base64.b64encode(
        b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(90, 600))
    ).decode(),
}
FILL = re.compile(r"\{(" + "|".join(FILLERS) + r")\}")


def fill(template: str) -> str:
    """Expand the {sha}, {uuid}, {b64}, ... fields; other braces are left alone."""
    return FILL.sub(lambda m: FILLERS[m.group(1)](), template)


BENIGN_TEMPLATES = r"""
# Amber memory notes
## Meeting with {name} about the search index
- Reset your password from the settings page, then log in again.
- The access token expires after one hour; the refresh token lasts 30 days.
- Rotate the API keys every 90 days and store them in the keyring, never in notes.
Authentication: required
Password: see the team vault (ask {name}).
Token: the value printed by `amber login`.
**Note:** secrets are redacted before indexing.
> Tip: use `amber key rotate` to change the encryption key.
| Setting | Default | Description |
|---------|---------|-------------|
| `token_ttl` | 3600 | Lifetime of a session token in seconds |
| `key_rotation_days` | 90 | How often the index key is rotated |
| `password_min_length` | 12 | Minimum passphrase length |
| auth | none | Authentication mode for the local API |
See [password reset](https://docs.amber.dev/guide/password-reset) for details.
Read https://docs.python.org/3/library/secrets.html before generating tokens.
The key insight: memory should be local-first and encrypted at rest.
Key takeaways from the {word} review: {sentence}
Secret sauce? {sentence}
The monkey, the turkey and the donkey walked into a bar.
{name} wrote the keyboard shortcuts doc; press Ctrl+K to search.
Passwords must contain at least 12 characters.
Never paste a token into a chat window.
This is a key-value store with a secondary index.
Our authors: {name}, {name} and {name}.
Authorization header is missing from the request.
# Python
import getpass
import hashlib
import secrets
from dataclasses import dataclass, field
password = getpass.getpass("Password: ")
token = secrets.token_urlsafe(32)
key = hashlib.sha256(password.encode()).digest()
api_key = os.environ["AMBER_API_KEY"]
api_key = os.environ.get("OPENAI_API_KEY")
secret = config.get("auth", "secret")
token = request.headers.get("Authorization", "")
password = None
token: str | None = None
password: str
api_key: Optional[str] = None
def login(user: str, password: str) -> Session:
def verify(token: str, *, key: bytes) -> bool:
    session = client.login(username=user, password=password)
    return authenticate(user=user, token=token, secret=secret)
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
    if not token:
        raise AuthError("missing token")
    for token in tokenizer.encode(text):
    tokens = tokenizer(text, max_length=512, truncation=True)
    token_ids = [vocab[token] for token in tokens]
    max_tokens = 1024
    token_count = len(tokens)
    key = (entry.path, entry.version)
    cache_key = f"{user_id}:{entry_id}"
    sort_key = lambda e: e.created_at
    self.password = password
    self.token = token
    self._key = key
    self.api_key = api_key or os.getenv("AMBER_API_KEY")
    keyring.set_password("amber", username, password)
    password = keyring.get_password("amber", username)
    headers = {"Authorization": f"Bearer {token}"}
    headers["Authorization"] = "Bearer " + token
    auth = HTTPBasicAuth(user, password)
    auth = None
    response = requests.post(url, json=payload, auth=auth, timeout=10)
    data = {"username": user, "password": password}
    params = {"key": key, "limit": 50}
    secret_name = "amber-index-key"
    token_type = "bearer"
    key_id = "{uuid}"
    request_id = "{uuid}"
    entry_id = "{ulid}"
    key = "{ulid}"
    "key": "{ulid}",
    idempotency_key = "{uuid}"
    primary_key = True
    foreign_key = "users.id"
    password_hash = hash_password(password)
    PASSWORD_MIN_LENGTH = 12
    TOKEN_TTL_SECONDS = 3600
    KEY_SIZE = 32
    SECRET_FIELD = "password"
    AUTH_HEADER = "Authorization"
    TOKEN_URL = "https://oauth2.googleapis.com/token"
    auth_url = "https://github.com/login/oauth/authorize"
    __version__ = "{ver}"
    digest = "{sha256}"
    commit = "{sha}"
    etag = '"{sha}"'
    checksum = "{sha256}"
    data = "{b64}"
    encoded = base64.b64encode(b"hello world").decode()  # "aGVsbG8gd29ybGQ="
    password=password,
    token=token,
    api_key=settings.api_key,
    secret=self.secret,
    logger.info("token refreshed for %s", user)
    logger.debug("password: %s", "*" * len(password))
    print(f"token: {token[:4]}...")
    parser.add_argument("--password", help="database password (prompted if omitted)")
    parser.add_argument("--token-file", type=Path)
    key: str = field(default_factory=new_key)
    password: str = field(repr=False)
    tokens: list[str] = field(default_factory=list)
    passthrough: bool = False
    bypass_cache: bool = True
    keys = sorted(index.keys())
    for key, value in mapping.items():
    if key in seen:
    return {key: value for key, value in pairs}
    lambda token: token.strip()
    with open(key_path, "rb") as fh:
    fernet = Fernet(key)
    key = Fernet.generate_key()
    salt = os.urandom(16)
    kdf = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1)
    secret_key = settings.SECRET_KEY
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    AUTH_PASSWORD_VALIDATORS = [
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator',
# JavaScript / TypeScript
const token = await getAccessToken();
const apiKey = process.env.AMBER_API_KEY;
const password = document.getElementById("password").value;
const headers = { Authorization: `Bearer ${token}` };
export interface Credentials { username: string; password: string; }
  password: string;
  token?: string;
  apiKey: process.env.API_KEY,
  authToken: token,
  secret: secretFromVault,
  key: "dashboard.title",
  key: item.id,
  primaryKey: "id",
  sessionToken: null,
if (token === undefined) throw new Error("no token");
return fetch(url, { headers: { "X-Api-Key": apiKey } });
localStorage.setItem("token", token);
const [password, setPassword] = useState("");
<input type="password" name="password" autocomplete="current-password" />
<label for="password">Password</label>
items.map((item) => <Row key={item.id} {...item} />)
import { createHash } from "node:crypto";
const digest = createHash("sha256").update(body).digest("hex");
"integrity": "sha512-{sri}",
"resolved": "https://registry.npmjs.org/lodash/-/lodash-{ver}.tgz",
"version": "{ver}",
"keywords": ["memory", "notes", "encryption"],
# YAML / config
apiVersion: apps/v1
kind: Deployment
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: db-credentials
              key: password
      secretName: amber-tls
  existingSecret: amber-db
        token: ${{ secrets.GITHUB_TOKEN }}
        password: ${{ secrets.REGISTRY_PASSWORD }}
          key: ${{ runner.os }}-pip-${{ hashFiles('**/requirements.txt') }}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      - OPENAI_API_KEY=${OPENAI_API_KEY}
auth:
  enabled: true
  provider: github
  token_ttl: 1h
password: !vault |
key_rotation: monthly
sort_key: created_at
secret: {}
token: null
password: ""
password:
api_key: ~
# Environment examples
API_KEY=your-api-key-here
OPENAI_API_KEY=sk-...
DATABASE_PASSWORD=
SECRET_KEY=<generate with: openssl rand -hex 32>
AMBER_TOKEN=${AMBER_TOKEN:-}
export PATH="$HOME/.local/bin:$PATH"
export AMBER_HOME="$HOME/.amber"
export GITHUB_TOKEN=$(gh auth token)
export PGPASSWORD="$DB_PASSWORD"
# Shell
read -rsp "Password: " PASSWORD
curl -H "Authorization: Bearer $TOKEN" https://api.github.com/user
curl -u "$USER:$PASSWORD" https://example.com/api
docker run -e POSTGRES_PASSWORD="$POSTGRES_PASSWORD" postgres:16
docker pull ghcr.io/acme/amber@sha256:{sha256}
gpg --recv-keys 0x{short}{short}
ssh-keygen -t ed25519 -C "{name}@example.com"
ssh-keygen -lf ~/.ssh/id_ed25519.pub
openssl rand -hex 32 > ~/.amber/key
amber init --passphrase-file ~/.config/amber/passphrase
amber login --token-stdin < token.txt
git log --oneline -n 5
git checkout -b feature/{word}-{n}
git clone git@github.com:acme/amber.git
git clone https://github.com/acme/amber.git
git remote add origin ssh://git@git.example.com:2222/acme/amber.git
pip install amber-memory=={ver}
npm install --save-dev typescript@{ver}
python -m pytest tests -q -k "token or password"
chmod 600 ~/.ssh/id_ed25519
# git output
commit {sha}
Author: {name} <{name}@example.com>
Merge: {short} {short}
{short} Fix token refresh race in sync worker
{short} Add password strength meter
{short} Rotate index key on passphrase change (#{n})
Change-Id: I{sha}
index {short}..{short} 100644
--- a/app/auth.py
+++ b/app/auth.py
@@ -{n},7 +{n},9 @@ def refresh_token(session):
# Lockfiles and hashes
{name}-lib==1.0.{n} --hash=sha256:{sha256}
    {file = "amber_memory-{ver}-py3-none-any.whl", hash = "sha256:{sha256}"},
checksum = "{sha256}"
github.com/mattn/go-sqlite3 v{ver} h1:{b64}
  integrity sha512-{sri}
sha256sum: {sha256}  amber-{ver}.tar.gz
{sha256}  amber-{ver}-linux-x86_64.tar.gz
    "sha256:{sha256}",
"hashes": {"sha256": "{sha256}"},
# Data in docs
The string `{b64}` is base64 for a sentence.
echo "{b64}" | base64 -d
data:text/plain;base64,{b64}
ETag: "{sha}"
X-Request-Id: {uuid}
Set-Cookie: theme=dark; Path=/; SameSite=Lax
Content-Security-Policy: default-src 'self'; img-src 'self' data:
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)
2024-05-17T10:22:31Z INFO auth: login succeeded user={name} method=passkey
2024-05-17T10:22:32Z WARN sync: token refresh took {n}ms
2024-05-17T10:22:33Z DEBUG index: key rotated id={uuid}
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b64} {name}@laptop
Key fingerprint = 3AA5 C34B 71C8 E0F4 {short} D3F1 ABCD 1234 5678
SHA256:{b64} {name}@laptop (ED25519)
# URLs without passwords
https://github.com/acme/amber/blob/{sha}/app/auth/token.py#L{n}
https://github.com/acme/amber/commit/{sha}
https://example.com/search?q=password+manager&page=2
https://example.com/api/v1/entries?limit=50&cursor={ulid}
https://accounts.google.com/o/oauth2/v2/auth?client_id=123.apps.googleusercontent.com&response_type=code
http://localhost:8080/health
http://[::1]:8080/metrics
postgres://localhost:5432/amber
redis://cache.local:6379/0
ssh://git@github.com/acme/amber.git
mailto:{name}@example.com
ftp://ftp.example.com/pub/amber-{ver}.tar.gz
# Versions and colors
Version {ver} (build {short})
amber {ver}, python 3.11.7, sqlite {ver}
node >= 18.0.0
color: {color};
  --primary-key-color: {color};
  --token-spacing: 4px;
  --auth-border: 1px solid {color};
background: linear-gradient(90deg, {color} 0%, {color} 100%);
.password-field input { border-color: {color}; }
# SQL
CREATE TABLE users (id INTEGER PRIMARY KEY, password_hash TEXT NOT NULL);
CREATE TABLE tokens (token_hash BLOB PRIMARY KEY, expires_at INTEGER);
SELECT id FROM tokens WHERE token_hash = ? AND expires_at > ?;
UPDATE users SET password_hash = :password_hash WHERE id = :id;
PRAGMA key = ?;
# i18n
  "password": "Password",
  "passwordPlaceholder": "Enter your password",
  "tokenExpired": "Your session has expired, please sign in again.",
  "apiKeyLabel": "API key",
  "auth": "Sign in",
# Shell history and agent sessions
mysql -u root -p bakery
mysql -h db.internal -u app -p < dump.sql
docker login ghcr.io -u {name} --password-stdin
podman login registry.example.com
set -x PATH $HOME/.cargo/bin $PATH
set -gx EDITOR nvim
setenv LANG en_US.UTF-8
aws configure set region eu-central-1
aws configure set default.output json
curl -u {name} https://example.com/api/upload
curl -sSfL https://sh.rustup.rs | sh
kubectl get secret db-credentials -o yaml
kubectl create secret generic db --from-file=password=./password.txt
openssl enc -aes-256-cbc -pass env:BACKUP_PASSPHRASE -in backup.tar -out backup.enc
openssl req -new -key server.key -out server.csr
git config --global user.name "{name}"
gh auth login --web
npm login --registry=https://npm.pkg.github.com
history | grep token
export HISTTIMEFORMAT="%F %T "
sshpass -f ~/.ssh/pass.txt ssh deploy@10.0.4.17
Bash: pytest -q -k "token and not slow"
Read: /home/{name}/src/app/auth/token.py
Bash: git log --oneline -5
{"command": "rg -n password_hash app/", "description": "Find password hashing"}
{"file_path": "/home/{name}/src/app/secrets.py", "old_string": "key = None", "new_string": "k"}
--- result ---
description: Run the token refresh tests
# Misc languages
let token: String = env::var("AMBER_TOKEN")?;
token, err := client.Token(ctx)
password := os.Getenv("DB_PASSWORD")
	Password string `json:"password"`
$password = $_POST['password'];
$this->password = Hash::make($password);
config.token = ENV.fetch("AMBER_TOKEN")
String password = System.getenv("DB_PASSWORD");
var key = Encoding.UTF8.GetBytes(secret);
unicode: 日本語のメモ — パスワードは保存しません。
unicode: Ключ шифрования хранится в связке ключей.
unicode: مفتاح التشفير محفوظ محليا 🔐
emoji: 🔑 key, 🗝️ old key, 🔒 locked
# Near misses: words after "password", netrc, pgpass, passwd/shadow, hashes, vendor names
Click the password reset link in the email from {name}.
The password is required.
The password is stored in the team vault.
Your password was changed on {ver}.
The password is at least 12 characters long.
Passwords are hashed with argon2id before they are stored.
The wifi password is on the fridge.
The password is sha256-hashed and salted.
Use a password manager; the password strength meter shows red below 12 characters.
password reset token expired
Password: ********
Enter the password for {name}'s account:
The default password policy is unchanged.
machine learning password reset flow
passwd: password updated successfully
pwd
PWD=/home/{name}/src
OLDPWD=/home/{name}
root:x:0:0:root:/root:/bin/bash
{name}:x:1000:1000:{name},,,:/home/{name}:/usr/bin/zsh
daemon:*:19000:0:99999:7:::
{name}:!:19000:0:99999:7:::
localhost:5432:*:postgres:*
hostname:port:database:username:password
2024-05-17 10:22:31:842 INFO sync: done
fe80::1ff:fe23:4567:890a
00:1a:2b:3c:4d:5e
The token is valid for 24 hours.
The API key is shown once; copy it now.
Use the access token from the settings page.
secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
This is a key-value store; see key-{word} in the docs.
awk '{print $1}' access.log | sort | uniq -c
echo "usage: $0 $1 $2"
sed -e 's/$1$/x/' notes.txt
datadog-agent commit {sha}
Datadog dashboard for the {word} service
twilio-python=={ver} --hash=sha256:{sha256}
Mailgun webhook delivered message {uuid}
https://sentry.io/organizations/acme/issues/{n}/
https://example.com/login?password=&next=/home/{name}
Set the password to something long; change your password to a passphrase.
https://{name}@bitbucket.org/acme/amber.git
data:image/png;base64,{png}
<img src="data:image/png;base64,{png}" alt="logo">
  "image": "data:image/jpeg;base64,{png}",
"""


def benign_lines(count: int) -> list[str]:
    templates = [t for t in BENIGN_TEMPLATES.splitlines() if t.strip()]
    lines = [fill(t) for t in templates]
    while len(lines) < count:
        r = rng.random()
        if r < 0.3:
            lines.append(sentence())
        elif r < 0.4:
            lines.append(f"- [{rng.choice(' x')}] {sentence()}")
        else:
            lines.append(fill(rng.choice(templates)))
    return lines


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = secrets_lines(per_template=8)
    (out / "secrets.txt").write_text("".join(f"{line}\n" for line, _ in rows), "utf-8")
    (out / "secrets.kinds").write_text("".join(f"{kind}\n" for _, kind in rows), "utf-8")
    (out / "benign.txt").write_text("".join(f"{x}\n" for x in benign_lines(20_000)), "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
