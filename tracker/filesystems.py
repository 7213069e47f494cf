"""File systems: which one holds a path (from /proc/self/mountinfo), and whether it is a network
share (where SQLite's WAL is unsafe and file locks may not be seen by other computers)."""

from __future__ import annotations

import os
from pathlib import Path

# File systems on which SQLite's WAL mode is unsafe (its shared memory does not cross hosts).
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "ncpfs", "afs", "9p", "ceph", "glusterfs",
    "lustre", "gpfs", "davfs", "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.rclone",
    "fuse.s3fs", "fuse.gvfsd-fuse", "fuse.davfs2", "fuse.smbnetfs", "fuse.cephfs",
})


def filesystem_type(path: str | os.PathLike, mountinfo: str | None = None) -> str | None:
    """The file-system type holding ``path`` (from ``/proc/self/mountinfo``), or None if unknown."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = Path(path)
    try:
        target = target.resolve()
    except OSError:
        target = Path(os.path.abspath(target))
    best, best_len = None, -1
    for line in mountinfo.splitlines():
        head, sep, tail = line.partition(" - ")
        fields = head.split()
        if not sep or len(fields) < 5 or not tail.split():
            continue
        mount_point = _unescape_mount(fields[4])
        if mount_point != "/" and not (str(target) == mount_point
                                       or str(target).startswith(mount_point.rstrip("/") + "/")):
            continue
        if len(mount_point) >= best_len:  # later lines (mounted over) win on a tie
            best, best_len = tail.split()[0], len(mount_point)
    return best


def _unescape_mount(text: str) -> str:
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text


def is_network_filesystem(fstype: str | None) -> bool:
    if not fstype:
        return False
    fstype = fstype.lower()
    return fstype in NETWORK_FILESYSTEMS or fstype.startswith(("nfs", "smb", "cifs"))
