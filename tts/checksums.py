"""SHA-256 of files and folders: what voices (voice.json) and training checkpoints (SHA256SUMS)
record when written and verify when read."""

import hashlib
from pathlib import Path

CHUNK_BYTES = 1 << 20


def checksum(path):
    """SHA-256 of a file, or of a directory's files (their relative paths included), as hex."""
    path = Path(path)
    if path.is_file():
        return _file_digest(path).hexdigest()
    digest = hashlib.sha256()
    for member in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(member.relative_to(path).as_posix().encode() + b"\0")
        digest.update(_file_digest(member).digest())
    return digest.hexdigest()


def _file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest
