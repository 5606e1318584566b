#!/usr/bin/python3
"""Runs one compat client against a fresh, real batchgate server.

Usage: run_with_server.py --batchgate BIN [--timeout S] [--tls] -- COMMAND [ARG...]

Starts `BIN serve --listen 127.0.0.1:0 --data <temp dir>`, reads the base URL from the server's
first stdout line, runs COMMAND with BG_BASE_URL=<base url> in its environment, then stops the
server (SIGTERM, then SIGKILL) and deletes the temp dir. The exit status is COMMAND's, or 1 when the
server could not start or COMMAND ran past the timeout. The server's stderr goes to a log file that
is printed (tail) when COMMAND fails, so a CTest failure shows both sides.

With --tls, `BIN tls init --host adwords.google.com` first creates a private CA and a server
certificate in <data dir>/tls, the server speaks HTTPS (tls.enabled), BG_BASE_URL is
https://127.0.0.1:PORT and BG_CA_FILE names the CA certificate, the client's only trust anchor.
"""
import argparse
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def start_server(binary, data_dir, log, extra_args=()):
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--data", data_dir] + list(extra_args),
        stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            break
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if not ready:
            continue
        chunk = os.read(proc.stdout.fileno(), 1)
        if not chunk:
            break
        line += chunk
    base = line.decode().strip()
    if not (base.startswith("http://127.0.0.1:") or base.startswith("https://127.0.0.1:")):
        stop_server(proc)
        raise RuntimeError("batchgate did not print its base URL (got %r)" % base)
    return proc, base


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def tail(path, lines=60):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batchgate", required=True)
    ap.add_argument("--timeout", type=float, default=110)
    ap.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh private CA")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command")

    work = tempfile.mkdtemp(prefix="bg-compat-")
    data_dir = os.path.join(work, "data")
    log_path = os.path.join(work, "server.log")
    rc = 1
    proc = None
    try:
        with open(log_path, "wb") as log:
            extra_env = {}
            extra_args = []
            if args.tls:
                subprocess.run([args.batchgate, "tls", "init", "--host", "adwords.google.com",
                                "--data", data_dir], check=True, stdout=log, stderr=log,
                               timeout=60)
                extra_args = ["--set", "tls.enabled=true"]
                extra_env["BG_CA_FILE"] = os.path.join(data_dir, "tls", "ca.crt")
            proc, base = start_server(args.batchgate, data_dir, log, extra_args)
            print("batchgate at %s (data %s)" % (base, data_dir), flush=True)
            env = dict(os.environ, BG_BASE_URL=base, BG_COMPAT_WORK=work, **extra_env)
            try:
                rc = subprocess.run(cmd, env=env, timeout=args.timeout).returncode
            except subprocess.TimeoutExpired:
                print("FAIL: %s ran past %.0f s" % (cmd[0], args.timeout), flush=True)
                rc = 1
            if proc.poll() is not None:
                print("FAIL: batchgate exited with status %d during the test" % proc.returncode)
                rc = rc or 1
    except Exception as e:  # noqa: BLE001 - report any launcher failure as a test failure
        print("FAIL: %s" % e, flush=True)
        rc = 1
    finally:
        if proc is not None:
            stop_server(proc)
        if rc != 0:
            sys.stdout.write("---- batchgate stderr (tail) ----\n" + tail(log_path))
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
