#!/usr/bin/python3
"""gSOAP compat test driver: generate a C++ client from the served WSDL, build it, run it.

Usage (through run_with_server.py, which sets BG_BASE_URL):
  gsoap_client.py --work DIR --source client.cpp [--cxx c++]

Fetches <base>/api/adwords/cm/v201702/BatchJobService?wsdl, runs `wsdl2h -c++11 -N adw` and
`soapcpp2 -j -C -x` on it in DIR (a folder of the build tree), compiles client.cpp with the
generated proxy against libgsoap++, and runs it on the WSDL's endpoint. Generation and compilation
are skipped when the WSDL (with the server's address taken out) and client.cpp are unchanged since
the last run in DIR.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from compat_common import base_url, endpoint_url, wsdl_url  # noqa: E402


def run(cmd, cwd):
    t = time.monotonic()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print("$ %s  (%.1f s)" % (" ".join(cmd), time.monotonic() - t), flush=True)
    if r.returncode != 0:
        print(r.stdout[-4000:])
        sys.exit("FAIL: %s exited with %d" % (cmd[0], r.returncode))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--import-dir", default="/usr/share/gsoap/import")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    with urllib.request.urlopen(wsdl_url("BatchJobService"), timeout=30) as resp:
        wsdl = resp.read()
    with open(args.source, "rb") as f:
        source = f.read()
    if b'location="%s/api/adwords/cm/v201702/BatchJobService"' % base_url().encode() not in wsdl:
        sys.exit("FAIL: the WSDL's soap:address is not %s" % endpoint_url("BatchJobService"))
    key = hashlib.sha256(wsdl.replace(base_url().encode(), b"BASE") + b"\0" + source).hexdigest()
    stamp = os.path.join(args.work, "stamp")
    binary = os.path.join(args.work, "compat_gsoap_client")
    if not (os.path.exists(binary) and os.path.exists(stamp) and open(stamp).read() == key):
        with open(os.path.join(args.work, "BatchJobService.wsdl"), "wb") as f:
            f.write(wsdl)
        run(["wsdl2h", "-c++11", "-N", "adw", "-o", "bjs.h", "BatchJobService.wsdl"], args.work)
        run(["soapcpp2", "-j", "-C", "-x", "-I" + args.import_dir, "bjs.h"], args.work)
        run([args.cxx, "-std=c++17", "-O0", "-I.", "-o", "compat_gsoap_client",
             os.path.abspath(args.source), "soapC.cpp", "soapBatchJobServiceSoapBindingProxy.cpp",
             "-lgsoap++"], args.work)
        with open(stamp, "w") as f:
            f.write(key)
    else:
        print("generated client is up to date (%s)" % binary)
    sys.exit(subprocess.run([binary, endpoint_url("BatchJobService")]).returncode)


if __name__ == "__main__":
    main()
