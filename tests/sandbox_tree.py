"""The sandbox check shared by tests/adversarial_text.py and tests/image_hostile.py: each runs
the binary with HOME, TMPDIR, the cache and the working directory inside one directory, and
checks afterwards that nothing there changed but what the run may write."""
import os
import stat


def tree(root, skip):
    """Every path under `root` (but `skip` and what is under it) with its size and mtime; None
    for a directory (a symbolic link is the link, never what it points to)."""
    out = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(directory, d) not in skip]
        for name in dirs + files:
            path = os.path.join(directory, name)
            if path in skip:
                continue
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            out[path] = None if stat.S_ISDIR(st.st_mode) else (st.st_size, st.st_mtime_ns)
    return out


def changed(before, after, allowed=()):
    """The paths added, removed or rewritten between two `tree` snapshots, sorted; those in
    `allowed`, or under one of them, are left out."""
    allowed = {os.path.abspath(a) for a in allowed}
    return sorted(p for p in set(before) | set(after)
                  if before.get(p, "absent") != after.get(p, "absent") and p not in allowed and
                  not any(p.startswith(a + os.sep) for a in allowed))
