"""Downloading model files: resumable, verified, placed atomically. Standard library only.

A download streams into `<file>.part` next to its destination. If the connection drops, the
`.part` stays, and the next run asks the server for the rest with an HTTP Range request.
`<file>.part.url` records where the `.part` came from (and its ETag), so a `.part` of the same
name from another URL is never spliced into this one.
Only a file whose size and sha256 check out is renamed into place, so the destination path
never holds a partial or unverified file; a `.part` that failed verification is deleted.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

from amber import __version__
from amber.clock import now_iso
from amber.config import Config
from amber.errors import AmberError, InvalidInputError, NotFoundError
from amber.models import gguf, manifest, registry
from amber.models.manifest import ManifestModel
from amber.models.registry import InstalledModel

CHUNK = 1 << 20
DISK_MARGIN = 64 << 20  # headroom left free: filling a disk to the last byte breaks other apps
DEFAULT_TIMEOUT = 30.0
MIRROR_HINT = (
    'set a mirror with `[models] mirror = "https://..."` in config.toml or AMBER_MODELS_MIRROR'
)
_RANGE_RE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")

ProgressFn = Callable[[int, int | None], None]
"""Called with (bytes done, bytes total or None when the server does not say)."""


class DownloadError(AmberError):
    """A model file could not be downloaded or failed verification."""


class IncompleteDownload(DownloadError):
    """The file ended early; its `.part` is kept so that a re-run resumes it."""


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size_bytes: int
    sha256: str
    resumed_from: int  # bytes kept from an earlier, interrupted run


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def origin_path(part: Path) -> Path:
    """Where the URL (and ETag) a `.part` was downloaded from is recorded."""
    return part.with_name(part.name + ".url")


def human_size(size: float) -> str:
    if size < 1000:
        return f"{size:.0f} B"
    for unit in ("KB", "MB"):
        size /= 1000
        if size < 1000:
            return f"{size:.1f} {unit}"
    return f"{size / 1000:.1f} GB"


def download(
    url: str,
    dest: Path,
    *,
    sha256: str = "",
    size: int | None = None,
    progress: ProgressFn | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check: Callable[[Path], None] | None = None,
) -> Downloaded:
    """Download `url` to `dest`, resuming a `.part` left by an interrupted run.

    `sha256` and `size` are verified when given ("" / None: unknown). `check` may inspect the
    complete `.part` (e.g. its magic bytes) and raise an AmberError to reject it.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    job = _Job(url, dest, sha256.lower(), size, progress or _no_progress, timeout)
    job.run()
    return job.finish(check)


def _no_progress(done: int, total: int | None) -> None:
    pass


class _Job:
    """One attempt: resume state, request, streaming, verification."""

    def __init__(
        self,
        url: str,
        dest: Path,
        sha256: str,
        size: int | None,
        progress: ProgressFn,
        timeout: float,
    ) -> None:
        self.url = url
        self.dest = dest
        self.sha256 = sha256
        self.size = size
        self.progress = progress
        self.timeout = timeout
        self.part = part_path(dest)
        self.host = urlsplit(url).hostname or url
        self.hasher = hashlib.sha256()
        self.done = self.resumed_from = 0
        self.total: int | None = None
        self.etag = ""  # the validator of the file the `.part` holds the start of

    def run(self) -> None:
        self._load_part()
        if self.size is not None and self.done == self.size:
            self.total = self.size  # finished last time but not verified: no request needed
            return
        if self.size is not None:
            _check_space(self.dest.parent, self.size - self.done)
        with self._open() as response:
            self._accept(response)
            self.progress(self.done, self.total)
            self._stream(response)
        if self.total is not None and self.done < self.total:
            raise self._interrupted("the server closed the connection")

    def _load_part(self) -> None:
        """Re-hash what an earlier run left, so the final checksum covers the whole file."""
        if not self.part.exists():
            origin_path(self.part).unlink(missing_ok=True)
            return
        if self.size is not None and self.part.stat().st_size > self.size:
            self._drop_part()
            return
        if not self._same_origin():
            self._drop_part()  # the same file name from another URL: another file
            return
        with self.part.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                self.hasher.update(chunk)
                self.done += len(chunk)
        self.resumed_from = self.done

    def _same_origin(self) -> bool:
        """Whether the `.part` came from this URL; one from before origins were recorded
        (no file) is resumed, as then: the server's Content-Range still checks the size."""
        try:
            origin = json.loads(origin_path(self.part).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return True
        except (OSError, ValueError):
            return False
        if not isinstance(origin, dict) or origin.get("url") != self.url:
            return False
        etag = origin.get("etag", "")
        self.etag = etag if isinstance(etag, str) else ""
        return True

    def _record_origin(self, response: http.client.HTTPResponse) -> None:
        """Written before the first byte, so any `.part` on disk has its origin beside it."""
        etag = response.headers.get("ETag", "") or ""
        self.etag = etag if etag.startswith('"') else ""  # If-Range needs a strong ETag
        origin = {"url": self.url, "etag": self.etag}
        try:
            origin_path(self.part).write_text(json.dumps(origin), encoding="utf-8")
        except OSError as exc:
            raise DownloadError(f"cannot write {origin_path(self.part)}: {exc}") from exc

    def _drop_part(self) -> None:
        self.part.unlink(missing_ok=True)
        origin_path(self.part).unlink(missing_ok=True)

    def _open(self) -> http.client.HTTPResponse:
        headers = {"User-Agent": f"amber/{__version__}"}
        if self.done:
            headers["Range"] = f"bytes={self.done}-"
            if self.etag:  # the server sends the whole file (200) if it changed since
                headers["If-Range"] = self.etag
        try:
            request = urllib.request.Request(self.url, headers=headers)
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 416 and self.done:  # the .part is longer than the file: start over
                self._restart()
                return self._open()
            raise self._http_error(exc.code, exc.reason) from exc
        except ValueError as exc:
            raise DownloadError(f"{self.url!r} is not a valid download URL ({exc})") from exc
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise DownloadError(
                f"cannot reach {self.host}: {reason}; check the network or {MIRROR_HINT}"
                + self._resume_hint()
            ) from exc

    def _restart(self) -> None:
        self._drop_part()
        self.hasher = hashlib.sha256()
        self.done = 0
        self.resumed_from = 0
        self.etag = ""

    def _http_error(self, code: int, reason: str) -> DownloadError:
        if code == 404:
            why = "check the model name or URL (and the mirror, if one is set)"
        elif code in (401, 403):
            why = "the file may be gated: download it in a browser and `amber models add` it"
        else:
            why = f"try again later or {MIRROR_HINT}"
        return DownloadError(f"{self.url} answered HTTP {code} {reason}; {why}")

    def _accept(self, response: http.client.HTTPResponse) -> None:
        """Decide between appending (206) and starting over (200), and learn the total size."""
        length = response.headers.get("Content-Length")
        if response.status == 206:
            self._accept_range(response.headers.get("Content-Range", ""), length)
        else:
            if self.done:  # the server ignored our Range and sends the whole file
                self._restart()
            self.total = int(length) if length and length.isdigit() else None
        self._check_total()
        self._record_origin(response)

    def _accept_range(self, content_range: str, length: str | None) -> None:
        match = _RANGE_RE.fullmatch(content_range.strip())
        if not match or int(match.group(1)) != self.done:
            self._drop_part()
            raise DownloadError(
                f"{self.host} answered with an unexpected range ({content_range!r}); "
                "the partial download was deleted, re-run to download again"
            )
        if match.group(3) != "*":
            self.total = int(match.group(3))
        elif length and length.isdigit():
            self.total = self.done + int(length)

    def _check_total(self) -> None:
        if self.total is None:
            return
        if self.size is not None and self.total != self.size:
            self._drop_part()
            raise DownloadError(
                f"{self.url} is {self.total} bytes but {self.size} were expected; "
                "the server (or mirror) serves a different file"
            )
        if self.size is None:
            _check_space(self.dest.parent, self.total - self.done)

    def _stream(self, response: http.client.HTTPResponse) -> None:
        with self.part.open("ab") as out:
            while True:
                try:
                    # read1: what has arrived, so a stall or a cut loses no received byte
                    chunk = response.read1(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise self._interrupted(str(exc) or type(exc).__name__) from exc
                if not chunk:
                    break
                self._write(out, chunk)
                self.progress(self.done, self.total)

    def _write(self, out: BinaryIO, chunk: bytes) -> None:
        try:
            out.write(chunk)
        except OSError as exc:
            out.close()
            self._drop_part()
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                need = human_size((self.total or self.done) + DISK_MARGIN)
                raise DownloadError(
                    f"disk full while downloading to {self.dest.parent}; the partial file was "
                    f"deleted: free up about {need} there and re-run"
                ) from exc
            raise DownloadError(f"cannot write {self.part}: {exc}") from exc
        self.hasher.update(chunk)
        self.done += len(chunk)

    def _interrupted(self, why: str) -> DownloadError:
        got = human_size(self.done) + (f" of {human_size(self.total)}" if self.total else "")
        return IncompleteDownload(
            f"download from {self.host} interrupted ({why}) with {got} done; re-run to resume"
        )

    def _resume_hint(self) -> str:
        if self.part.exists():
            kept = human_size(self.part.stat().st_size)
            return f" (the {kept} downloaded so far are kept: re-run to resume)"
        return ""

    def finish(self, check: Callable[[Path], None] | None) -> Downloaded:
        """Verify the complete `.part`, then rename it into place in one step."""
        self._verify()
        if check is not None:
            try:
                check(self.part)
            except IncompleteDownload:
                raise  # the rest may still come: keep the `.part` for a re-run
            except AmberError:
                self._drop_part()
                raise
        with self.part.open("rb+") as handle:
            os.fsync(handle.fileno())  # the data must be on disk before the rename is
        os.replace(self.part, self.dest)
        origin_path(self.part).unlink(missing_ok=True)
        return Downloaded(self.dest, self.done, self.hasher.hexdigest(), self.resumed_from)

    def _verify(self) -> None:
        digest = self.hasher.hexdigest()
        if self.size is not None and self.done != self.size:
            self._drop_part()
            raise DownloadError(
                f"{self.url} gave {self.done} bytes, not the expected {self.size}; "
                "the download was deleted: re-run, or check the mirror"
            )
        if self.sha256 and digest != self.sha256:
            self._drop_part()
            raise DownloadError(
                f"checksum mismatch for {self.dest.name}: expected sha256 {self.sha256}, got "
                f"{digest}; the download was deleted. Re-run, or check --sha256 and the mirror"
            )


def _check_space(folder: Path, needed: int) -> None:
    """Refuse before downloading rather than fail when the disk fills half way."""
    free = shutil.disk_usage(folder).free
    if free < needed + DISK_MARGIN:
        raise DownloadError(
            f"not enough free disk space in {folder}: the download needs "
            f"{human_size(needed + DISK_MARGIN)} (including {human_size(DISK_MARGIN)} to "
            f"spare) but {human_size(free)} is free; free up space and re-run"
        )


# --- `amber models pull`: resolve a name or URL, download, register ------------------------


@dataclass(frozen=True)
class PullPlan:
    name: str
    role: str
    url: str  # with the mirror applied
    file: str
    sha256: str  # "" when unknown
    size: int | None  # exact size when known
    entry: ManifestModel | None


@dataclass(frozen=True)
class PullResult:
    model: InstalledModel
    active: bool
    downloaded: Downloaded | None  # None: it was installed already


def plan_pull(
    config: Config, spec: str, role: str | None = None, sha256: str | None = None
) -> PullPlan:
    """What `amber models pull SPEC` would fetch; SPEC is a manifest name or an http(s) URL."""
    if spec.startswith(("http://", "https://")):
        url = spec
        file = manifest.file_from_url(spec)
        entry = manifest.manifest_model_for_file(file)
    else:
        entry = manifest.find_manifest_model(spec)
        if not entry.url:
            raise InvalidInputError(
                f"{spec} has no public download URL; register a local copy with "
                f"`amber models add PATH --role {entry.role}`"
            )
        url = entry.url
        file = entry.file
    return PullPlan(
        name=entry.name if entry else registry.name_from_file(file),
        role=registry.resolve_role(role, entry, file),
        url=manifest.apply_mirror(url, manifest.configured_mirror(config)),
        file=file,
        sha256=registry.check_sha256(sha256) or (entry.sha256 if entry else ""),
        size=entry.expected_size if entry else None,
        entry=entry,
    )


def pull_model(
    config: Config,
    spec: str,
    *,
    role: str | None = None,
    sha256: str | None = None,
    progress: ProgressFn | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> PullResult:
    """Download a model into `models_dir(config)` and register it (first of its role: active)."""
    plan = plan_pull(config, spec, role, sha256)
    dest = registry.model_path(config, plan.file)  # a second guard after file_from_url
    existing = _already_installed(config, plan, dest)
    if existing is not None:
        return PullResult(existing, registry.active_names(config).get(plan.role) == plan.name, None)
    config.locks_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(config.locks_dir / f"pull-{plan.file}.lock"), timeout=0)
    try:
        with lock:
            got = download(
                plan.url,
                dest,
                sha256=plan.sha256,
                size=plan.size,
                progress=progress,
                timeout=timeout,
                check=lambda part: _check_gguf(part, plan),
            )
    except Timeout:
        raise DownloadError(
            f"another `amber models pull` is downloading {plan.file}; wait for it to finish"
        ) from None
    model = InstalledModel(
        name=plan.name,
        role=plan.role,
        path=str(dest),
        size_bytes=got.size_bytes,
        sha256=got.sha256,
        added_at=now_iso(),
        source=plan.url,
        **registry.from_manifest(plan.entry),
    )
    return PullResult(model, registry.register(config, model, replace_existing=True), got)


def _already_installed(config: Config, plan: PullPlan, dest: Path) -> InstalledModel | None:
    """The registered model when pulling again would fetch the same file; None to download."""
    try:
        model = registry.get_model(config, plan.name)
    except NotFoundError:
        return None
    if model.file.resolve() != dest.resolve():
        raise InvalidInputError(
            f"a model named {plan.name!r} is registered from {model.path}; "
            "`amber models rm` it first to download Amber's own copy"
        )
    same_hash = not plan.sha256 or model.sha256 == plan.sha256
    return model if model.file.is_file() and same_hash else None


def _check_gguf(part: Path, plan: PullPlan) -> None:
    """Accept only a complete GGUF of the kind the role needs; a short one may be resumed."""
    try:
        info = gguf.read_gguf(part)
    except gguf.IncompleteModelError as exc:
        raise IncompleteDownload(
            f"the download of {plan.file} ended early: {part.name} is shorter than its GGUF "
            "header says (the connection was probably cut); nothing was installed, "
            "re-run to resume"
        ) from exc
    except InvalidInputError as exc:
        raise DownloadError(
            "the downloaded file is not a GGUF model (the server may have sent an error page); "
            "it was deleted: check the URL or the mirror"
        ) from exc
    try:
        gguf.check_kind(info, plan.role, plan.file)
    except InvalidInputError as exc:
        raise DownloadError(f"{exc}; the download was deleted") from exc
