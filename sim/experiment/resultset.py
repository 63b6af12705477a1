"""Result folders written whole, with a manifest.

``run``, ``compare``, ``calibrate`` and ``validate-calibration`` build their files in a staging
folder beside the output folder and swap it in at the end
(an atomic exchange of the two folders where the system allows it), so a reader sees the earlier
result set or the new one, never a mixture, and an interrupted or failed command leaves the earlier
set exactly as it was. The earlier set is kept as ``DIR.previous/`` (or removed with
``overwrite``). A folder that holds a different result set (another kind of run, or other
scenarios) is refused unless ``overwrite``; a folder that holds anything else is always refused.

Every set has ``manifest.json``: the swsim version and git commit, the command line, the run
settings, a hash of each resolved scenario, and every file with its size and SHA-256.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.errors import BadInput

MANIFEST = "manifest.json"
LEGACY_MARKERS = ("run.json", "sweep.json")  # result folders of swsim before manifests
STAGING = ".swsim-staging-"
DISCARD = ".swsim-discard-"
ROLE_DATA, ROLE_REPORT = "data", "report"
REPORT_FILES = (
    "report.html",
    "report.png",
    "brief.html",
    "brief.pdf",
    "figures",
    "board.csv",
    "baseline_check.csv",
    "baseline_drift.csv",
)


def atomic_write(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write(tmp_path)`` then move the finished file onto ``path``; a file-system error
    (a full disk) names ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        with naming(path):
            write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """Re-raise a file-system error met while writing ``path`` as an OSError naming it, with its
    errno (Parquet's writer reports a full disk as an OSError without either)."""
    try:
        yield
    except OSError as err:
        if err.errno is not None and err.filename:
            raise
        found = re.search(r"errno (\d+)", str(err), re.IGNORECASE)
        code = err.errno or (int(found.group(1)) if found else errno.EIO)
        raise OSError(code, os.strerror(code), str(path)) from err


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def git_commit() -> tuple[str | None, bool | None]:
    """The commit of the swsim source tree (and whether it has local changes), if it is a git checkout."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None, None
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    if head.returncode != 0:
        return None, None
    return head.stdout.strip(), bool(dirty.stdout.strip())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def read_manifest(directory: Path) -> dict | None:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BadInput(f"{path}: not a readable manifest ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise BadInput(f"{path}: not a swsim manifest (no list of files)")
    for entry in data["files"]:
        if not _valid_entry(entry):
            raise BadInput(f"{path}: not a swsim manifest (bad file entry {entry!r:.120})")
    return data


def _valid_entry(entry) -> bool:
    """A file entry: a relative path inside the folder, its size and its SHA-256."""
    if not isinstance(entry, dict):
        return False
    rel = entry.get("path")
    return (
        isinstance(rel, str)
        and bool(rel)
        and not Path(rel).is_absolute()
        and ".." not in Path(rel).parts
        and isinstance(entry.get("bytes"), int)
        and isinstance(entry.get("sha256"), str)
        and len(entry["sha256"]) == 64
    )


def is_result_set(directory: Path) -> bool:
    return any((directory / name).is_file() for name in (MANIFEST, *LEGACY_MARKERS))


def verify(directory: Path, roles: tuple[str, ...] = (ROLE_DATA,)) -> dict:
    """The folder's manifest, after checking that its files (of ``roles``) are those it lists."""
    directory = Path(directory)
    if not directory.is_dir():
        raise BadInput(f"{directory}: no such result folder")
    manifest = read_manifest(directory)
    if manifest is None:
        raise BadInput(
            f"{directory}: no {MANIFEST} here (not a result folder of this swsim "
            "version); run the command again to write one"
        )
    problems = []
    for entry in manifest["files"]:
        if entry.get("role", ROLE_DATA) not in roles:
            continue
        path = directory / entry["path"]
        if not path.is_file():
            problems.append(f"{path}: listed in {MANIFEST} but missing")
        elif path.stat().st_size != entry["bytes"] or sha256(path) != entry["sha256"]:
            problems.append(f"{path}: does not match {MANIFEST} (changed since it was written)")
    if problems:
        raise BadInput(problems)
    return manifest


def list_files(root: Path, role: str | None = None) -> list[dict]:
    """Every file below ``root`` (but the manifest) with its size, hash and role; only those of
    ``role`` if given (the others are not hashed)."""
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST or (role is not None and report_role(rel) != role):
            continue
        out.append(
            {
                "path": rel,
                "bytes": path.stat().st_size,
                "sha256": sha256(path),
                "role": report_role(rel),
            }
        )
    return out


def report_role(rel: str) -> str:
    """ "report" for what is drawn from the data (the report, sensitivity tables and plots),
    regenerated at will; "data" for the results themselves, which the manifest guards."""
    top = rel.split("/")[0]
    return ROLE_REPORT if top in REPORT_FILES or top.startswith("sensitivity_") else ROLE_DATA


@dataclass(frozen=True)
class Output:
    """Where a command writes its result set: the folder (None: the command's own), whether it may
    replace a folder holding a different set, and the command line the manifest records."""

    out: Path | None = None
    overwrite: bool = False
    command: tuple[str, ...] | None = None

    def result_set(self, default: Path, kind: str, identity: dict) -> ResultSet:
        """The result set at ``out`` (else ``default``), not yet prepared."""
        return ResultSet(
            self.out or default,
            kind,
            identity,
            self.overwrite,
            None if self.command is None else list(self.command),
        )


class ResultSet:
    """One output folder, built in a staging folder and swapped in whole by ``commit``.

    ``identity`` names what the folder holds (kind of command and scenarios): a re-run of the same
    thing replaces it (keeping the earlier set as ``DIR.previous``), anything else is refused
    unless ``overwrite``."""

    def __init__(
        self,
        out: Path,
        kind: str,
        identity: dict,
        overwrite: bool = False,
        command: list[str] | None = None,
    ):
        self.out = Path(out)
        self.kind = kind
        self.identity = {"kind": kind, **identity}
        self.overwrite = overwrite
        self.command = list(sys.argv if command is None else command)
        self.staging: Path | None = None

    # -- before any work ----------------------------------------------------------------------
    def prepare(self) -> ResultSet:
        """Check the output folder can take this result set and create the staging folder; all
        problems are BadInput raised before any simulation runs."""
        out = self.out
        check_folder(out)
        if out.is_dir() and any(out.iterdir()):
            self._check_replaceable()
        clean_stale(out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.staging = Path(
                tempfile.mkdtemp(prefix=f".{out.name}{STAGING}{os.getpid()}-", dir=out.parent)
            )
            os.chmod(self.staging, 0o777 & ~_umask())
        except OSError as err:
            raise BadInput(f"--out {out}: cannot write there ({err.strerror})") from None
        return self

    def _check_replaceable(self) -> None:
        out = self.out
        if not is_result_set(out):
            raise BadInput(
                f"--out {out}: the folder holds other files, not swsim results; "
                "choose an empty or new folder"
            )
        manifest = read_manifest(out)
        if manifest is not None and manifest.get("identity") == self.identity:
            return
        if not self.overwrite:
            held = (
                describe_identity(manifest.get("identity")) if manifest else "an earlier result set"
            )
            raise BadInput(
                f"--out {out}: holds a different result set ({held}); use another --out "
                "or add --overwrite to replace it"
            )

    # -- writing ------------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        """Where to write ``name`` inside the staging folder (parent folders created)."""
        if self.staging is None:
            raise RuntimeError("ResultSet.prepare() first")
        path = self.staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8")

    def write_table(self, name: str, frame) -> None:
        """A pandas table as Parquet (``.parquet``) or CSV (``.csv``)."""
        path = self.path(name)
        with naming(self.out / name):
            if name.endswith(".parquet"):
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)

    # -- the swap -----------------------------------------------------------------------------
    def commit(
        self, settings: dict, scenarios: dict[str, str] | None = None, extra: dict | None = None
    ) -> Path:
        """Write the manifest and swap the staging folder in as the output folder."""
        write_manifest(self.staging, self.identity, self.command, settings, scenarios, extra)
        _fsync_tree(self.staging)
        self._swap()
        return self.out

    def _swap(self) -> None:
        out, staging = self.out, self.staging
        if not out.exists():
            os.rename(staging, out)
        elif _exchange(staging, out):
            self._retire(staging)  # the staging path now holds the earlier set
        else:
            held = staging.with_name(staging.name.replace(STAGING, DISCARD))
            os.rename(out, held)
            os.rename(staging, out)
            self._retire(held)
        self.staging = None

    def _retire(self, earlier: Path) -> None:
        """Keep the earlier result set as DIR.previous (or remove it with overwrite)."""
        previous = self.out.with_name(self.out.name + ".previous")
        if self.overwrite or not is_result_set(earlier):
            shutil.rmtree(earlier, ignore_errors=True)
            return
        if previous.is_dir() and is_result_set(previous):
            shutil.rmtree(previous)
        elif previous.exists():
            shutil.rmtree(
                earlier, ignore_errors=True
            )  # never touch a DIR.previous we did not write
            return
        os.rename(earlier, previous)

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def __enter__(self) -> ResultSet:
        if self.staging is None:
            self.prepare()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.discard()  # nothing left to do after a commit; after an error, the staging goes


def check_folder(out: Path) -> None:
    """Refuse an output path that cannot be a folder (a file, under a file, a device)."""
    if str(out) in ("", "."):
        raise BadInput(f"--out {str(out)!r}: give a folder name")
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {out}: is a file, not a folder")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise BadInput(f"--out {out}: {parent} is a file, not a folder")


def write_manifest(
    directory: Path,
    identity: dict,
    command: list[str],
    settings: dict,
    scenarios: dict[str, str] | None = None,
    extra: dict | None = None,
) -> dict:
    """Write ``directory/manifest.json`` listing every file in it (atomically)."""
    from sim import __version__

    commit, dirty = git_commit()
    manifest = {
        "swsim": {"version": __version__, "git_commit": commit, "git_dirty": dirty},
        "kind": identity["kind"],
        "identity": identity,
        "command": command,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": settings,
        "scenarios": {
            name: {"sha256": text_hash(text)} for name, text in (scenarios or {}).items()
        },
        **(extra or {}),
        "files": list_files(directory),
    }
    write_text(directory / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return manifest


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())


def clean_stale(out: Path) -> None:
    """Remove staging folders beside ``out`` left by commands that were killed."""
    parent = out.parent
    if not parent.is_dir():
        return
    for marker in (STAGING, DISCARD):
        for path in parent.glob(f".{out.name}{marker}*"):
            pid = path.name[len(f".{out.name}{marker}") :].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def describe_identity(identity: dict | None) -> str:
    if not identity:
        return "unknown"
    names = identity.get("scenarios") or []
    return f"swsim {identity.get('kind', '?')} of {', '.join(names) if names else '?'}"


def replace_report(directory: Path, write: Callable[[Path], None]) -> None:
    """Regenerate the report of a result folder: ``write(folder)`` builds its files in a staging
    folder; they then replace the earlier report (files the new one lacks go) and the manifest
    lists them."""
    directory = Path(directory)
    verify(directory)
    clean_stale(directory)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{directory.name}{STAGING}{os.getpid()}-", dir=directory.parent)
    )
    try:
        write(staging)
        for name in REPORT_FILES:
            new, old = staging / name, directory / name
            if new.is_dir():
                if not (old.exists() and _exchange(new, old)):
                    shutil.rmtree(old, ignore_errors=True)
                    os.rename(new, old)
            elif new.exists():
                os.replace(new, old)
            elif old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink(missing_ok=True)
        record_derived(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def record_derived(directory: Path) -> None:
    """List the folder's current report files (role "report") in its manifest, if it has one."""
    manifest = read_manifest(directory)
    if manifest is None:
        return
    manifest["files"] = [f for f in manifest["files"] if f.get("role") != ROLE_REPORT] + list_files(
        directory, ROLE_REPORT
    )
    write_text(directory / MANIFEST, json.dumps(manifest, indent=2) + "\n")
