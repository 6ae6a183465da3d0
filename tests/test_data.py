"""``python -m course data``: the real mirror works offline, and every bad input gets a clear error.

Failure cases use a small fake mirror made here (same layout, same SHA256SUMS format), so they
are fast and can break files on purpose without touching the real one.
"""

import gzip
import hashlib
import subprocess
import sys
import urllib.error

import pytest
import torchvision

from course.data import FILES, DataError, prepare
from course.paths import REPO


def test_real_mirror_gives_loadable_datasets(mirror, tmp_path):
    lines = []
    prepare(tmp_path, mirror, log=lines.append)
    for name, dataset in (("MNIST", torchvision.datasets.MNIST), ("FashionMNIST", torchvision.datasets.FashionMNIST)):
        train, test = dataset(tmp_path, train=True), dataset(tmp_path, train=False)
        assert (len(train), len(test)) == (60_000, 10_000), name
        assert train.data.shape == (60_000, 28, 28) and int(train.targets.max()) == 9
    assert sum("verified, copied" in line for line in lines) == 8

    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*-ubyte")}
    again = []
    prepare(tmp_path, mirror, log=again.append)
    assert sum("already verified" in line for line in again) == 8
    assert stamps == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*-ubyte")}, "good files were rewritten"


@pytest.fixture
def fake_mirror(tmp_path):
    """A tiny mirror of MNIST only: four gzipped files and their SHA256SUMS."""
    mirror = tmp_path / "mirror"
    (mirror / "MNIST" / "raw").mkdir(parents=True)
    sums = []
    for index, file in enumerate(FILES):
        content = bytes([index]) * (1000 + index)
        (mirror / "MNIST" / "raw" / f"{file}.gz").write_bytes(gzip.compress(content))
        sums.append(f"{hashlib.sha256(content).hexdigest()}  MNIST/raw/{file}")
    (mirror / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    return mirror


def prepare_mnist(root, mirror):
    prepare(root, mirror, datasets=("MNIST",), log=lambda line: None)


def test_fake_mirror_works(fake_mirror, tmp_path):
    prepare_mnist(tmp_path / "data", fake_mirror)
    assert (tmp_path / "data" / "MNIST" / "raw" / FILES[0]).read_bytes() == bytes([0]) * 1000


def test_missing_mirror_says_how_to_point_at_one(tmp_path):
    with pytest.raises(DataError, match="does not exist. Pass --mirror"):
        prepare_mnist(tmp_path / "data", tmp_path / "nowhere")


def test_mirror_without_checksums_is_refused(fake_mirror, tmp_path):
    (fake_mirror / "SHA256SUMS").unlink()
    with pytest.raises(DataError, match="SHA256SUMS is missing"):
        prepare_mnist(tmp_path / "data", fake_mirror)


def test_missing_file_is_named(fake_mirror, tmp_path):
    (fake_mirror / "MNIST" / "raw" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz is missing"):
        prepare_mnist(tmp_path / "data", fake_mirror)


def break_file_after_a_good_copy(fake_mirror, root, new_bytes):
    """Prepare once (good), then replace one mirror file; return the good target and its bytes."""
    prepare_mnist(root, fake_mirror)
    target = root / "MNIST" / "raw" / FILES[0]
    good = target.read_bytes()
    target.unlink()  # force a re-copy of this file only
    (fake_mirror / "MNIST" / "raw" / f"{FILES[0]}.gz").write_bytes(new_bytes)
    return target, good


def test_truncated_file_is_named_and_nothing_half_written_is_left(fake_mirror, tmp_path):
    gz = (fake_mirror / "MNIST" / "raw" / f"{FILES[0]}.gz").read_bytes()
    target, _ = break_file_after_a_good_copy(fake_mirror, tmp_path / "data", gz[: len(gz) // 2])
    with pytest.raises(DataError, match=rf"{FILES[0]}\.gz .*truncated or not gzip"):
        prepare_mnist(tmp_path / "data", fake_mirror)
    assert not target.exists() and not list(target.parent.glob("*.partial"))


def test_corrupt_file_fails_its_checksum_and_never_replaces_a_good_copy(fake_mirror, tmp_path):
    root = tmp_path / "data"
    target, good = break_file_after_a_good_copy(fake_mirror, root, gzip.compress(b"corrupted"))
    with pytest.raises(DataError, match=rf"checksum mismatch for .*{FILES[0]}\.gz"):
        prepare_mnist(root, fake_mirror)
    assert not target.exists() and not list(target.parent.glob("*.partial"))

    target.write_bytes(good)  # a verified copy in place is kept, whatever the mirror holds now
    prepare_mnist(root, fake_mirror)
    assert target.read_bytes() == good


def test_damaged_local_copy_is_repaired_from_the_mirror(fake_mirror, tmp_path):
    root = tmp_path / "data"
    prepare_mnist(root, fake_mirror)
    target = root / "MNIST" / "raw" / FILES[1]
    good = target.read_bytes()
    target.write_bytes(good[:10])
    prepare_mnist(root, fake_mirror)
    assert target.read_bytes() == good


def test_no_network_and_no_mirror_says_to_use_a_mirror(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torchvision.datasets.mnist, "download_and_extract_archive", offline)
    with pytest.raises(DataError, match="could not download MNIST .*pass --mirror PATH or set COURSE_DATA_MIRROR"):
        prepare(tmp_path, mirror=None, datasets=("MNIST",), log=lambda line: None)


def test_command_line_reports_errors_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "course", "data", "--root", str(tmp_path / "data"),
                             "--mirror", str(tmp_path / "nowhere")], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.startswith("error: mirror folder") and "Traceback" not in result.stderr
