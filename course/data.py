"""``python -m course data``: put MNIST and FashionMNIST where torchvision looks, offline first.

From a mirror (``--mirror`` or ``$COURSE_DATA_MIRROR``) laid out as ``<Name>/raw/<file>.gz`` with a
``SHA256SUMS`` of the decompressed files, each file is decompressed beside its target, checked,
and only then moved into place, so a corrupt or truncated mirror never replaces a good file.
Without a mirror, torchvision downloads the files itself (and checks their md5).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from pathlib import Path

from helper.data import DATA_ROOT_VARIABLE, configured_data_root

from .paths import REPO

MIRROR_VARIABLE = "COURSE_DATA_MIRROR"
SHARED_MIRROR = REPO.parent / "shared" / "data"
"""The mirror ``make`` uses when it exists (this project's CI and development machines)."""
DATASETS = ("MNIST", "FashionMNIST")
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
_CHUNK = 1 << 20


class DataError(Exception):
    """A problem the user can fix; the message says how."""


def register(subparsers) -> None:
    parser = subparsers.add_parser("data", help="prepare MNIST and FashionMNIST (offline mirror or download)",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=None,
                        help=f"where to put the data sets (default: ${DATA_ROOT_VARIABLE} or <repo>/data)")
    parser.add_argument("--mirror", type=Path, default=None,
                        help=f"offline mirror to copy from (default: ${MIRROR_VARIABLE}, else ../shared/data beside "
                             "the repo when it exists; none: download)")
    parser.add_argument("--dataset", choices=DATASETS, action="append",
                        help="prepare only this data set (repeatable; default: both)")
    parser.set_defaults(run=main)


def default_mirror() -> Path | None:
    """``$COURSE_DATA_MIRROR``, else ``../shared/data`` beside the repo when it holds a mirror, else None
    (download): the same choice ``make`` makes, so the command alone works offline where make does."""
    if os.environ.get(MIRROR_VARIABLE):
        return Path(os.environ[MIRROR_VARIABLE])
    return SHARED_MIRROR if (SHARED_MIRROR / "SHA256SUMS").is_file() else None


def main(args) -> int:
    mirror = args.mirror or default_mirror()
    try:
        prepare(args.root or configured_data_root(), mirror, args.dataset or DATASETS)
    except DataError as error:
        print(f"error: {error}")
        return 1
    return 0


def prepare(root: Path, mirror: Path | None = None, datasets=DATASETS, log=print) -> None:
    """Make ``root/<Name>/raw/<file>`` complete and verified for each data set."""
    root = Path(root)
    if mirror is not None:
        checksums = read_checksums(Path(mirror))
        for name in datasets:
            for file in FILES:
                status = install_from_mirror(Path(mirror), root, f"{name}/raw/{file}", checksums)
                log(f"{name}/raw/{file}: {status}")
    else:
        for name in datasets:
            download(root, name)
            log(f"{name}: downloaded and checked by torchvision")
    log(f"Data sets ready in {root}")


def read_checksums(mirror: Path) -> dict[str, str]:
    """``SHA256SUMS`` as {relative path: hex digest}."""
    if not mirror.is_dir():
        raise DataError(f"mirror folder {mirror} does not exist. Pass --mirror with the folder that "
                        f"holds MNIST/ and FashionMNIST/ (for example ../shared/data), or set {MIRROR_VARIABLE}.")
    sums_file = mirror / "SHA256SUMS"
    if not sums_file.is_file():
        raise DataError(f"{sums_file} is missing: the mirror must list the sha256 of each decompressed file.")
    checksums = {}
    for line in sums_file.read_text().splitlines():
        if line.strip():
            digest, path = line.split(maxsplit=1)
            checksums[path.lstrip("*").strip()] = digest.lower()
    return checksums


def install_from_mirror(mirror: Path, root: Path, relative: str, checksums: dict[str, str]) -> str:
    """Copy one file from the mirror into ``root`` unless a verified copy is there; say what was done."""
    expected = checksums.get(relative)
    if expected is None:
        raise DataError(f"{mirror / 'SHA256SUMS'} has no entry for {relative}; the mirror is incomplete.")
    target = root / relative
    if target.is_file() and sha256_of(target) == expected:
        return "already verified"
    source = _find_source(mirror, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        actual = _decompress(source, partial)
        if actual != expected:
            raise DataError(f"checksum mismatch for {source}: its content has sha256 {actual}, "
                            f"SHA256SUMS expects {expected}. The mirror copy is corrupt or truncated; "
                            "copy it again from a good source.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return f"verified, copied from {source}"


def _find_source(mirror: Path, relative: str) -> Path:
    for candidate in (mirror / f"{relative}.gz", mirror / relative):
        if candidate.is_file():
            return candidate
    raise DataError(f"{mirror / relative}.gz is missing from the mirror; copy the complete mirror again.")


def _decompress(source: Path, destination: Path) -> str:
    """Write ``source`` (gzip or plain) to ``destination``; return the sha256 of what was written."""
    digest = hashlib.sha256()
    opener = gzip.open if source.suffix == ".gz" else open
    try:
        with opener(source, "rb") as reader, open(destination, "wb") as writer:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"cannot read {source} ({error}): the file is truncated or not gzip; "
                        "copy it again from a good source.") from error
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as reader:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def download(root: Path, name: str) -> None:
    """torchvision's own download, with the offline failure turned into advice."""
    import torchvision.datasets

    dataset = getattr(torchvision.datasets, name)
    try:
        for train in (True, False):
            dataset(str(root), train=train, download=True)
    except Exception as error:
        reason = " ".join(str(error).split())  # torchvision lists each URL tried on its own line
        raise DataError(
            f"could not download {name} ({type(error).__name__}: {reason}). Without a network, copy from "
            f"an offline mirror instead: pass --mirror PATH or set {MIRROR_VARIABLE} to a folder holding "
            "MNIST/raw and FashionMNIST/raw with a SHA256SUMS file (see README, 'Data')."
        ) from error
