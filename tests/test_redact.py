"""Tests for amber.redact: corpus recall and false positives, one test per kind, speed."""

import base64
import dataclasses
import random
import runpy
import string
import time
from pathlib import Path

import pytest

from amber.redact import Redaction, redact

DATA = Path(__file__).parent / "data" / "redact"
KINDS = (
    "aws_access_key aws_secret_key github_token openai_key anthropic_key slack_token"
    " slack_webhook stripe_key google_api_key jwt private_key url_password password"
    " high_entropy gitlab_token npm_token huggingface_token pypi_token"
    " sendgrid_key shopify_token digitalocean_token vault_token linear_key postman_key"
    " newrelic_key age_key databricks_token discord_token telegram_token mailgun_key"
    " twilio_key datadog_key atlassian_token notion_token sentry_dsn sentry_token fcm_key"
    " grafana_token doppler_token pulumi_token terraform_token dockerhub_token tailscale_key"
    " azure_secret mapbox_token square_token mailchimp_key groq_key replicate_token"
    " onepassword_token heroku_key supabase_token planetscale_token password_hash"
).split()

# Fake, format-exact secrets built by concatenation so this file holds no literal token.
AWS_ID = "AKIA" + "Q3EGRT7XW2PLZ5MN"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq9Rk3Tx8b"
GHP = "ghp_" + "R8x2Kq7LmN4pT6vW9yZ1aB3cD5eF7gH9jK2m"
GH_PAT = "github_pat_" + "11ABCDEFG0" + "x" * 12 + "_" + "Zq8" * 19 + "Zq"
OPENAI = "sk-proj-" + "Xy7_Qm2-Lp9Rt4Vw8Zb3Nc6Hd1Jf5Kg0" * 4
OPENAI_LEGACY = "sk-" + "aB3dE5fG7hJ9kL1mN2pQ" + "T3BlbkFJ" + "rS4tU6vW8xY0zA2bC4dE"
ANTHROPIC = "sk-ant-api03-" + "Zx9_Yw8-Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe" * 3 + "AA"
SLACK = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
WEBHOOK = (
    "https://hooks.slack.com/services/" + "T0ABCDEF1/B0ABCDEFGH2/" + "Xy7Qm2Lp9Rt4Vw8Zb3Nc6Hd1"
)
STRIPE = "sk_live_" + "51HqLyjWDarjtT1zdp7dcXYZ" + "abc"
GOOGLE = "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9"
    + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
RANDOM_B64 = "q8Zr3TnV0xKc7Wd2Ym5Lb9Jf4Hs6Gp1A"
PEM_BODY = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\nZ1BjP5CE8Wm1ysnN4ZBHk3LmQpRf6y2TnXv8\n"


def _lines(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()


def _report(capsys: pytest.CaptureFixture[str], message: str) -> None:
    with capsys.disabled():
        print(f"\n[redact] {message}")


# --- corpus --------------------------------------------------------------------------


def test_secret_corpus_recall(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _lines("secrets.txt")
    kinds = _lines("secrets.kinds")
    assert len(lines) == len(kinds) >= 150
    assert set(kinds) == set(KINDS)
    missed = []
    for line, kind in zip(lines, kinds, strict=True):
        result = redact(line)
        if result.kinds != (kind,) or f"[REDACTED:{kind}]" not in result.text:
            missed.append((kind, result.kinds, line))
    recall = 1 - len(missed) / len(lines)
    _report(capsys, f"recall {recall:.2%} ({len(lines) - len(missed)}/{len(lines)} secrets)")
    assert recall >= 0.99, missed[:10]
    for kind in KINDS:  # one kind lost whole would hide in the average
        kind_missed = sum(1 for k, _, _ in missed if k == kind)
        assert kind_missed <= 0.05 * kinds.count(kind), [m for m in missed if m[0] == kind]


def test_benign_corpus_false_positives(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _lines("benign.txt")
    assert len(lines) >= 3000
    flagged = [(line, redact(line).kinds) for line in lines]
    flagged = [(line, kinds) for line, kinds in flagged if kinds]
    rate = len(flagged) / len(lines) * 10_000
    _report(capsys, f"false positives {len(flagged)}/{len(lines)} lines ({rate:.2f} per 10k)")
    assert len(flagged) * 10_000 <= len(lines), flagged[:10]


def test_benign_corpus_is_unchanged_byte_for_byte() -> None:
    text = (DATA / "benign.txt").read_text(encoding="utf-8")
    assert redact(text) == Redaction(text, ())


def test_corpus_files_match_their_seeded_generator(tmp_path: Path) -> None:
    script = Path(__file__).parents[1] / "scripts" / "make_redact_corpus.py"
    runpy.run_path(str(script), run_name="make_redact_corpus")["main"](tmp_path)
    for name in ("secrets.txt", "secrets.kinds", "benign.txt"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_ten_thousand_ordinary_lines_are_fast(capsys: pytest.CaptureFixture[str]) -> None:
    benign = _lines("benign.txt")
    lines = (benign * (10_000 // len(benign) + 1))[:10_000]
    start = time.perf_counter()
    for line in lines:
        redact(line)
    per_line = time.perf_counter() - start
    start = time.perf_counter()
    redact("\n".join(lines))
    whole = time.perf_counter() - start
    _report(capsys, f"10,000 lines: {per_line:.3f}s one call per line, {whole:.3f}s as one text")
    assert per_line < 2.0
    assert whole < 2.0


# --- one test per kind ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        (f"export AWS_ACCESS_KEY_ID={AWS_ID}", "export AWS_ACCESS_KEY_ID={}", "aws_access_key"),
        (f"aws_secret_access_key = {AWS_SECRET}", "aws_secret_access_key = {}", "aws_secret_key"),
        (f'"SecretAccessKey": "{AWS_SECRET}"', '"SecretAccessKey": "{}"', "aws_secret_key"),
        (f"token {GHP} leaked", "token {} leaked", "github_token"),
        (f"GH_TOKEN={GH_PAT}", "GH_TOKEN={}", "github_token"),
        (f"key: {OPENAI}", "key: {}", "openai_key"),
        (f"OPENAI_API_KEY={OPENAI_LEGACY}", "OPENAI_API_KEY={}", "openai_key"),
        (f'Anthropic(api_key="{ANTHROPIC}")', 'Anthropic(api_key="{}")', "anthropic_key"),
        (f"SLACK_BOT_TOKEN={SLACK}", "SLACK_BOT_TOKEN={}", "slack_token"),
        (f"post to {WEBHOOK} now", "post to {} now", "slack_webhook"),
        (f"stripe.api_key = '{STRIPE}'", "stripe.api_key = '{}'", "stripe_key"),
        (f"?key={GOOGLE}&q=Paris", "?key={}&q=Paris", "google_api_key"),
        (f"Authorization: Bearer {JWT}", "Authorization: Bearer {}", "jwt"),
        ("postgres://app:Zq8!x2v@db:5432/prod", "postgres://app:{}@db:5432/prod", "url_password"),
        ("https://user:pass@host", "https://user:{}@host", "url_password"),
        ("password=hunter2", "password={}", "password"),
        ('DB_PASSWORD="c0rrect-h0rse"', 'DB_PASSWORD="{}"', "password"),
        ('{"password": "s3cr3t!"}', '{"password": "{}"}', "password"),
        ("  passwd: Tr0ub4dor&3", "  passwd: {}", "password"),
        ("PGPASSWORD=Summer2024! psql -U app", "PGPASSWORD={} psql -U app", "password"),
        ("$password = 'dragon42';", "$password = '{}';", "password"),
        ("./deploy --password hunter2", "./deploy --password {}", "password"),
        ("SECRET_KEY = 'django-insecure-4x!k2'", "SECRET_KEY = '{}'", "password"),
        ("X-Api-Key: 9f8e7d6c5b4a3", "X-Api-Key: {}", "password"),
        ("url?access_token=abc123XYZ&x=1", "url?access_token={}&x=1", "password"),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic {}", "password"),
        ("Authorization: token 9f8e7d6c5b4a", "Authorization: token {}", "password"),
        ('"auth": "Bearer 9f8e7d6c5b4a"', '"auth": "Bearer {}"', "password"),
        (f"ENCRYPTION_KEY={RANDOM_B64}", "ENCRYPTION_KEY={}", "high_entropy"),
        (f'  "credentials": "{RANDOM_B64}",', '  "credentials": "{}",', "high_entropy"),
    ],
)
def test_each_kind_is_redacted_in_place(text: str, expected: str, kind: str) -> None:
    assert redact(text) == Redaction(expected.replace("{}", f"[REDACTED:{kind}]"), (kind,))


@pytest.mark.parametrize(
    "text",
    [
        "password = getpass.getpass('Password: ')",
        "token = request.headers.get('Authorization')",
        "login(user, password=password)",
        "def login(user: str, password: str) -> None:",
        "token: str | None = None",
        "password: SecretStr",
        "api_key = os.environ['API_KEY']",
        "const apiKey = process.env.API_KEY;",
        "  token: ${{ secrets.GITHUB_TOKEN }}",
        "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
        "API_KEY=your-api-key-here",
        "Password: see the team vault",
        "Authentication: required",
        "author = 'Ada Lovelace'",
        "monkey_key = 'banana'",
        "max_tokens = 1024",
        "cache_key = 'user:42:profile'",
        f"request_id = '{'1b4e28ba-2fa1-11d2-883f-0016d3cca427'}'",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        "integrity sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/"
        + "SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
        "Set your password in the settings page.",
        "color: #a1b2c3; --primary-key-color: #fff;",
        "https://example.com/search?q=token&page=2",
        "ssh://git@github.com/acme/amber.git",
        "version = '1.2.3'",
        '_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"',
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == Redaction(text, ())


# --- private key blocks --------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"]
)
def test_multiline_private_key_block_is_redacted_whole(label: str) -> None:
    text = f"deploy key:\n-----BEGIN {label}-----\n{PEM_BODY}-----END {label}-----\nthanks"
    assert redact(text) == Redaction(
        "deploy key:\n[REDACTED:private_key]\nthanks", ("private_key",)
    )


def test_encrypted_pem_with_headers_and_pgp_block() -> None:
    pem = (
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        "DEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n"
        f"{PEM_BODY}-----END RSA PRIVATE KEY-----"
    )
    pgp = (
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n"
        f"{PEM_BODY}=nF3x\n-----END PGP PRIVATE KEY BLOCK-----"
    )
    result = redact(f"{pem}\n\n{pgp}\n")
    assert result == Redaction(
        "[REDACTED:private_key]\n\n[REDACTED:private_key]\n", ("private_key",) * 2
    )


def test_private_key_without_end_line_loses_its_base64_lines() -> None:
    text = f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\nnext paragraph"
    assert redact(text).text == "[REDACTED:private_key]\n\nnext paragraph"


def test_private_key_in_json_string() -> None:
    body = PEM_BODY.replace("\n", "\\n")
    text = f'"private_key": "-----BEGIN PRIVATE KEY-----\\n{body}-----END PRIVATE KEY-----\\n",'
    assert redact(text).text == '"private_key": "[REDACTED:private_key]\\n",'


# --- ordering, idempotence, markers --------------------------------------------------


def test_specific_kinds_win_over_generic_ones() -> None:
    assert redact(f"ANTHROPIC_API_KEY={ANTHROPIC}").kinds == ("anthropic_key",)
    assert redact(f"password={GHP}").kinds == ("github_token",)
    assert redact(f"token: {JWT}").kinds == ("jwt",)


def test_kinds_are_in_order_of_appearance() -> None:
    text = f"password=hunter2 then {GHP} then {AWS_ID} and token={JWT}"
    result = redact(text)
    assert result.kinds == ("password", "github_token", "aws_access_key", "jwt")
    assert result.text == (
        "password=[REDACTED:password] then [REDACTED:github_token] then "
        "[REDACTED:aws_access_key] and token=[REDACTED:jwt]"
    )


def test_redaction_is_idempotent() -> None:
    samples = [*_lines("secrets.txt"), f"x -----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n"]
    samples.append(f"password=hunter2 {GHP} https://u:p4ss@h {AWS_ID}")
    for text in samples:
        once = redact(text)
        twice = redact(once.text)
        assert twice.text == once.text
        assert twice.kinds == ()


def test_existing_markers_are_never_redacted_again() -> None:
    for text in [
        "password=[REDACTED:password]",
        "https://user:[REDACTED:url_password]@host",
        '{"api_key": "[REDACTED:openai_key]"}',
        "[REDACTED:private_key]\n[REDACTED:jwt]",
    ]:
        assert redact(text) == Redaction(text, ())


def test_marker_next_to_a_new_secret() -> None:
    result = redact(f"old [REDACTED:jwt] new {GHP}")
    assert result == Redaction("old [REDACTED:jwt] new [REDACTED:github_token]", ("github_token",))


# --- edge cases ----------------------------------------------------------------------


def test_empty_string() -> None:
    assert redact("") == Redaction("", ())


def test_unicode_text_is_untouched() -> None:
    text = "日本語のメモ — パスワードは保存しません。Ключ шифрования 🔐 مفتاح\n\tcafé naïve"
    assert redact(text) == Redaction(text, ())


def test_unicode_around_a_secret_is_kept() -> None:
    result = redact(f"clé 🔑 {GHP} — merci")
    assert result.text == "clé 🔑 [REDACTED:github_token] — merci"


def test_redaction_is_frozen() -> None:
    result = redact("password=hunter2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]


def test_pathological_input_stays_linear() -> None:
    start = time.perf_counter()
    for text in ["token=abc " * 20_000, "a=" * 100_000, "key" * 100_000, "https://a:b" * 20_000]:
        redact(text)
    assert time.perf_counter() - start < 5.0


# --- command lines (shell history, agent sessions) and more token formats ------------

GITLAB = "glpat-" + "Xq8Lm2Vn5Rt9Wz3Yb6Cd"
NPM = "npm_" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5"
HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzabcdefgh"
PYPI = "pypi-AgEIcHlwaS5vcmc" + "CJDk3YTRkNzQ4LWE1ZTctNDc2Zi05OTgzLTU5ZDY4ZDY0NmI3ZQ" * 2


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        (
            f"git clone https://oauth2:{GITLAB}@gitlab.com/a/b.git",
            "git clone https://oauth2:{}@gitlab.com/a/b.git",
            "gitlab_token",
        ),
        (f"NPM_TOKEN={NPM} npm publish", "NPM_TOKEN={} npm publish", "npm_token"),
        (
            f"huggingface-cli login --token {HF}",
            "huggingface-cli login --token {}",
            "huggingface_token",
        ),
        (
            f"twine upload -u __token__ -p {PYPI} dist/*",
            "twine upload -u __token__ -p {} dist/*",
            "pypi_token",
        ),
        ("mysql -u app -p'Rye&Spelt2024' -h db prod", "mysql -u app -p'{}' -h db prod", "password"),
        (
            "mysqldump -uroot -pS3cr3tPw --all-databases",
            "mysqldump -uroot -p{} --all-databases",
            "password",
        ),
        ("sshpass -p 'Hunter2Bakery' ssh ana@host", "sshpass -p '{}' ssh ana@host", "password"),
        (
            "docker login -u ci -p Zq8x2v9Lm4 reg.example.com",
            "docker login -u ci -p {} reg.example.com",
            "password",
        ),
        ("curl -u deploy:Zq8x2v9Lm4 https://repo", "curl -u deploy:{} https://repo", "password"),
        ("openssl enc -pass pass:Zq8x2v9Lm4 -in a", "openssl enc -pass pass:{} -in a", "password"),
        (
            "kubectl create secret generic db --from-literal=password=Oven-Mitt-42",
            "kubectl create secret generic db --from-literal=password={}",
            "password",
        ),
        (
            f"aws configure set aws_secret_access_key {AWS_SECRET}",
            "aws configure set aws_secret_access_key {}",
            "aws_secret_key",
        ),
        (
            "set -x OPENAI_API_KEY Xy7Qm2Lp9Rt4Vw8Zb3Nc6Hd1Jf5Kg0aa",
            "set -x OPENAI_API_KEY {}",
            "password",
        ),
        ("setenv DB_PASSWORD 'Oven-Mitt-42'", "setenv DB_PASSWORD '{}'", "password"),
    ],
)
def test_command_lines_and_newer_token_formats(text: str, expected: str, kind: str) -> None:
    assert redact(text) == Redaction(expected.replace("{}", f"[REDACTED:{kind}]"), (kind,))


@pytest.mark.parametrize(
    "text",
    [
        # shell commands that ask for the password instead of holding it
        "mysql -u root -p bakery",
        "docker login ghcr.io -u ana --password-stdin",
        "curl -u ana https://example.com/api",
        "set -x PATH $HOME/.cargo/bin $PATH",
        "You can set password reminders in the settings.",
        "openssl enc -aes-256-cbc -pass env:BACKUP_PASSPHRASE -in a -out b",
        "kubectl create secret generic db --from-file=password=./password.txt",
        "openssl pkcs12 -export -passout pass:sample -out a.p12",
        # found in real documentation and logs (scripts/bench_redact.py, /usr/share/doc)
        "PASS: binutils-all/common-1a",
        "* src/chpasswd.c: Likewise.",
        "* sm/passphrase.h: Likewise.",
        "man/{readpassphrase.3 => readpassphrase.3bsd}   |  0",
        "gpg: Fix regression for non-default --passphrase-repeat option.",
        "gnutls_utf8_password_normalize: Added",
        "GNUTLS_PKCS_NULL_PASSWORD: Added",
        "gnutls_x509_crq_set_challenge_password: don't accept null password",
        "* passwd.master: backup's home directory is /var/backups. [#20462]",
        "authorization-data:            LISTofBYTE",
        "FAIL: gdb.base/gdb-sigterm.exp: pass=13: expect eof",
        "PWD = \"'`pwd`'\"",
        "pkcs11:token=Root%20CA%20Certificates;serial=1%3AROOTS",
        "https://docs.google.com/spreadsheet/ccc?key=0Ao1yRmX6PQQzdG5wSFlrZl9HRWNET3ZyN0hnaGo5ZFE",
        "&ldquo;secret:1&rdquo;, &ldquo;secret:2&rdquo;",
        "wget --output-document=- --ask-password -user=foo \\",
    ],
)
def test_commands_and_documentation_are_left_alone(text: str) -> None:
    assert redact(text) == Redaction(text, ())


# --- vendor formats, prose, netrc, pgpass, htpasswd ----------------------------------

_RNG = random.Random(16)  # the tokens are made here, so this file holds none
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"


def _run(chars: str, n: int) -> str:
    return "".join(_RNG.choice(chars) for _ in range(n))


VENDOR_TOKENS = [
    ("sendgrid_key", "SG." + _run(B64URL, 22) + "." + _run(B64URL, 43)),
    ("shopify_token", "shpat_" + _run(HEX, 32)),
    ("digitalocean_token", "dop_v1_" + _run(HEX, 64)),
    ("vault_token", "hvs." + _run(ALNUM, 90)),
    ("linear_key", "lin_api_" + _run(ALNUM, 40)),
    ("postman_key", "PMAK-" + _run(HEX, 24) + "-" + _run(HEX, 34)),
    ("newrelic_key", "NRAK-" + _run(string.ascii_uppercase + string.digits, 27)),
    ("age_key", "AGE-SECRET-KEY-1" + _run("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
    ("databricks_token", "dapi" + _run(HEX, 32)),
    (
        "discord_token",
        base64.b64encode(b"123456789012345678").decode() + f".{_run(ALNUM, 6)}.{_run(B64URL, 38)}",
    ),
    ("telegram_token", "123456789:AAF" + _run(B64URL, 32)),
    ("mailgun_key", "key-" + _run(HEX, 32)),
    ("twilio_key", "SK" + _run(HEX, 32)),
    ("atlassian_token", "ATATT3xFfGF0" + _run(B64URL, 171) + "=" + _run("0123456789ABCDEF", 8)),
    ("notion_token", "ntn_" + _run(string.digits, 11) + _run(ALNUM, 35)),
    ("notion_token", "secret_" + _run(ALNUM, 43)),
    ("sentry_token", "sntryu_" + _run(HEX, 64)),
    ("fcm_key", "AAAA" + _run(B64URL, 7) + ":APA91b" + _run(B64URL, 134)),
    ("grafana_token", "glsa_" + _run(ALNUM, 32) + "_" + _run(HEX, 8)),
    ("doppler_token", "dp.pt." + _run(ALNUM, 43)),
    ("pulumi_token", "pul-" + _run(HEX, 40)),
    ("terraform_token", _run(ALNUM, 14) + ".atlasv1." + _run(ALNUM, 67)),
    ("dockerhub_token", "dckr_pat_" + _run(ALNUM, 27)),
    ("tailscale_key", "tskey-auth-" + _run(ALNUM, 12) + "CNTRL-" + _run(ALNUM, 33)),
    ("azure_secret", "xR_8Q~" + _run(ALNUM, 34)),
    ("mapbox_token", "sk.eyJ" + _run(B64URL, 60) + "." + _run(B64URL, 22)),
    ("square_token", "sq0atp-" + _run(B64URL, 22)),
    ("mailchimp_key", _run(HEX, 32) + "-us14"),
    ("groq_key", "gsk_" + _run(ALNUM, 52)),
    ("replicate_token", "r8_" + _run(ALNUM, 37)),
    ("onepassword_token", "ops_eyJ" + _run(ALNUM + "+/", 400)),
    ("heroku_key", "HRKU-AA" + _run(ALNUM, 58)),
    ("supabase_token", "sbp_" + _run(HEX, 40)),
    ("planetscale_token", "pscale_tkn_" + _run(ALNUM, 43)),
]


@pytest.mark.parametrize(("kind", "token"), VENDOR_TOKENS, ids=[k for k, _ in VENDOR_TOKENS])
def test_bare_vendor_tokens_are_redacted(kind: str, token: str) -> None:
    for template in ("here it is: {} thanks", '{{"value": "{}"}}', "{}"):
        expected = template.format(f"[REDACTED:{kind}]")
        assert redact(template.format(token)) == Redaction(expected, (kind,))


SENTRY_KEY = _run(HEX, 32)


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        (f"datadog api key: {_run(HEX, 32)}", "datadog api key: {}", "datadog_key"),
        (f"DD_API_KEY={_run(HEX, 32)}", "DD_API_KEY={}", "datadog_key"),
        (f"my Datadog app key is {_run(HEX, 40)}", "my Datadog app key is {}", "datadog_key"),
        (f"TWILIO_AUTH_TOKEN={_run(HEX, 32)}", "TWILIO_AUTH_TOKEN={}", "twilio_key"),
        (
            f'Client("AC{"0" * 32}", "{_run(HEX, 32)}")',
            f'Client("AC{"0" * 32}", "{{}}")',
            "twilio_key",
        ),
        (
            f"the mailgun key is {_run(HEX, 32)}-{_run(HEX, 8)}-{_run(HEX, 8)}",
            "the mailgun key is {}",
            "mailgun_key",
        ),
        (
            f"SENTRY_DSN=https://{SENTRY_KEY}@o123456.ingest.sentry.io/789",
            "SENTRY_DSN=https://{}@o123456.ingest.sentry.io/789",
            "sentry_dsn",
        ),
        (
            f'sentry_sdk.init(dsn="https://{SENTRY_KEY}@sentry.acme.dev/42")',
            'sentry_sdk.init(dsn="https://{}@sentry.acme.dev/42")',
            "sentry_dsn",
        ),
    ],
)
def test_hex_keys_next_to_their_vendor_and_sentry_dsns(text: str, expected: str, kind: str) -> None:
    assert redact(text) == Redaction(expected.replace("{}", f"[REDACTED:{kind}]"), (kind,))


@pytest.mark.parametrize(
    "text",
    [
        "SG.Paris is the office code",
        "the shpat_ prefix marks Shopify admin tokens",
        "This is a key-value store; key-{word} in the docs.",
        "Accept-Language: en-us",
        "dapi is not a word",
        "hvs.example.com",
        "NRAK-123 is the ticket",
        "AGE-SECRET-KEY-1 starts every age identity",
        "secret_santa_2024 = True",
        "tskey-auth- is the prefix",
        "SKU SK1234 SKIRT",
        "datadog-agent commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        f"Datadog dashboard {'1b4e28ba-2fa1-11d2-883f-0016d3cca427'}",
        f"twilio-python==9.0.0 --hash=sha256:{'ab' * 32}",
        f"Twilio account AC{_run(HEX, 32)}",
        "https://sentry.io/organizations/acme/issues/4242/",
        f"https://{_run(HEX, 40)}@github.com/acme/amber.git",
        f"request 1b4e28ba-2fa1-11d2-883f-0016d3cca427, commit {'9fceb02d' * 5}",
        "data:image/png;base64,"
        + base64.b64encode(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(600)).decode(),
    ],
)
def test_near_misses_of_vendor_formats_are_left_alone(text: str) -> None:
    assert redact(text) == Redaction(text, ())


APR1 = "$apr1$" + "r31.kT9e" + "$" + _run(ALNUM + "./", 22)
BCRYPT = "$2y$05$" + _run(ALNUM + "./", 53)
SHA512_CRYPT = "$6$" + "Zq8x2v9L" + "$" + _run(ALNUM + "./", 86)
HTPASSWD_SHA = "{SHA}" + base64.b64encode(_RNG.randbytes(20)).decode()


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("DB_PASSWORD=!j6DlzxCrpRQuLbv", "DB_PASSWORD={}", "password"),
        ("password: '#Tr0ub4dor3'", "password: '{}'", "password"),
        ("export ADMIN_PASS=@dm1nP4ss", "export ADMIN_PASS={}", "password"),
        ("DB_PASSWORD=&lQrZ3s3e3KIhq", "DB_PASSWORD={}", "password"),
        ("the wifi password is Tr0ub4dor&3", "the wifi password is {}", "password"),
        (
            "My bank password was dragon42 until May",
            "My bank password was {} until May",
            "password",
        ),
        ("pwd for the NAS = Oven-Mitt-42", "pwd for the NAS = {}", "password"),
        (
            "Passphrase for the backup disk is Zq8.x2v9",
            "Passphrase for the backup disk is {}",
            "password",
        ),
        (
            "the passphrase is 'correct horse battery staple'",
            "the passphrase is '{}'",
            "password",
        ),
        ("set the password to Summer2024!", "set the password to {}", "password"),
        ("Your password is: Gh7$kLp2x", "Your password is: {}", "password"),
        ("the router password is 84629173", "the router password is {}", "password"),
        (f"the api key is {RANDOM_B64}", "the api key is {}", "password"),
        (
            "machine api.github.com login ana password hunter",
            "machine api.github.com login ana password {}",
            "password",
        ),
        (
            "machine example.com\n  login ana\n  password Zq8x2v9Lm4\n",
            "machine example.com\n  login ana\n  password {}\n",
            "password",
        ),
        (
            "default login anonymous password S3cr3t!",
            "default login anonymous password {}",
            "password",
        ),
        ("  password Zq8x2v9Lm4", "  password {}", "password"),
        ("db.internal:5432:prod:app:Xy7!pQ2z", "db.internal:5432:prod:app:{}", "password"),
        ("localhost:*:*:postgres:Oven-Mitt-42", "localhost:*:*:postgres:{}", "password"),
        (
            "echo '10.0.4.17:5432:bakery:report:S3cr3t' >> ~/.pgpass",
            "echo '10.0.4.17:5432:bakery:report:{}' >> ~/.pgpass",
            "password",
        ),
        (f"ana:{APR1}", "ana:{}", "password_hash"),
        (f"admin:{HTPASSWD_SHA}", "admin:{}", "password_hash"),
        (f'hashed = "{BCRYPT}"', 'hashed = "{}"', "password_hash"),
        (f"root:{SHA512_CRYPT}:19000:0:99999:7:::", "root:{}:19000:0:99999:7:::", "password_hash"),
    ],
)
def test_passwords_in_prose_netrc_pgpass_and_hashes(text: str, expected: str, kind: str) -> None:
    assert redact(text) == Redaction(expected.replace("{}", f"[REDACTED:{kind}]"), (kind,))


@pytest.mark.parametrize(
    "text",
    [
        # ordinary words after "password"
        "Click the password reset link in the email.",
        "The password is required.",
        "The password is stored in the team vault.",
        "The password is at least 12 characters long.",
        "The password is sha256-hashed and salted.",
        "Passwords are hashed with argon2id before they are stored.",
        "passwd: password updated successfully",
        "Set the password to something long; change your password to a passphrase.",
        "password 2fa",
        "The token is valid for 24 hours.",
        # code
        "if password is None:",
        "assert password is hashed_pw",
        "password is self.password",
        # tags and references, not passwords that start with punctuation
        "password: !vault |",
        "secret: !Ref DbSecret",
        "token: @Value",
        "password: *required",
        'password = "#{ENV["DB_PASSWORD"]}"',
        "https://example.com/login?password=&next=/home",
        # netrc, pgpass, passwd and shadow look-alikes
        "machine learning password reset flow",
        "localhost:5432:*:postgres:*",
        "hostname:port:database:username:password",
        "root:x:0:0:root:/root:/bin/bash",
        "daemon:*:19000:0:99999:7:::",
        "ana:!:19000:0:99999:7:::",
        "2024-05-17 10:22:31:842 INFO sync: done",
        "fe80::1ff:fe23:4567:890a 00:1a:2b:3c:4d:5e",
        # `$1`, `$2` in shell, not crypt hashes
        "awk '{print $1}' access.log",
        'echo "usage: $0 $1 $2"',
    ],
)
def test_near_misses_of_passwords_are_left_alone(text: str) -> None:
    assert redact(text) == Redaction(text, ())
