#!/usr/bin/env python3
"""Helpers for ukv (python3 standard library only).

  ukvtool.py cpio STAGE OUT            gzip'd newc cpio of directory STAGE (root-owned, mtime 0,
                                       plus /dev/console), the initramfs format
  ukvtool.py exec SOCK TIMEOUT SCRIPT  run SCRIPT with sh in the guest over the serial control
                                       channel; print its output, exit with its status
"""
import base64
import fcntl
import gzip
import os
import secrets
import socket
import stat
import sys
import time


def cpio(stage, out):
    def entry(f, ino, name, mode, data=b"", rdev=(0, 0)):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
        f.write(hdr.encode() + nb + b"\0" * (-(110 + len(nb)) % 4))
        f.write(data + b"\0" * (-len(data) % 4))

    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        ino = 1
        for root, dirs, files in os.walk(stage):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, stage)
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    entry(f, ino, rel, 0o120777, os.readlink(path).encode())
                elif stat.S_ISDIR(st.st_mode):
                    entry(f, ino, rel, 0o040755)
                else:
                    with open(path, "rb") as g:
                        entry(f, ino, rel, 0o100000 | (st.st_mode & 0o777), g.read())
                ino += 1
        # The kernel opens /dev/console before /init runs (devtmpfs is mounted later).
        entry(f, ino, "dev/console", 0o020600, rdev=(5, 1))
        entry(f, ino + 1, "TRAILER!!!", 0)


def guest_exec(sock_path, timeout, script):
    # One request at a time on the serial line: a lock next to the socket.
    with open(sock_path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock_path)
        rid = secrets.token_hex(4)
        req = "%s %d %s\n" % (rid, timeout, base64.b64encode(script.encode()).decode())
        s.sendall(req.encode())
        s.settimeout(1.0)
        buf, deadline = b"", time.monotonic() + timeout + 10
        begin, end = ("UKV-OUT %s\n" % rid).encode(), ("UKV-END %s " % rid).encode()
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            buf += chunk.replace(b"\r", b"")
            i, j = buf.find(begin), buf.find(end)
            if i >= 0 and j > i and buf.find(b"\n", j) > 0:
                out = base64.b64decode(b"".join(buf[i + len(begin):j].split()))
                sys.stdout.buffer.write(out)
                return int(buf[j + len(end):buf.find(b"\n", j)])
        sys.stderr.write("ukv: no answer from the guest agent\n")
        return 125


def main(argv):
    if len(argv) == 3 and argv[0] == "cpio":
        cpio(argv[1], argv[2])
        return 0
    if len(argv) == 4 and argv[0] == "exec":
        return guest_exec(argv[1], int(argv[2]), argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
