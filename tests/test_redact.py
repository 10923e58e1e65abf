"""Tests for amber.redact: corpus recall and false positives, one test per kind, speed."""

import dataclasses
import runpy
import time
from pathlib import Path

import pytest

from amber.redact import Redaction, redact

DATA = Path(__file__).parent / "data" / "redact"
KINDS = (
    "aws_access_key aws_secret_key github_token openai_key anthropic_key slack_token"
    " slack_webhook stripe_key google_api_key jwt private_key url_password password"
    " high_entropy gitlab_token npm_token huggingface_token pypi_token"
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
