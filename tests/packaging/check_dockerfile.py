#!/usr/bin/python3
"""No Docker engine runs on the build machines, so this test keeps the Dockerfile honest instead:

* the build stage is Debian 12 and installs and tests only through the README's command
  (`tools/dev.sh deps`, then `tools/dev.sh test`, which .ci/run also runs): tools/dev.sh's
  package list is the image's by construction, and no other package list exists to drift;
* the runtime stage installs exactly the Debian packages that hold the shared libraries the
  built binary links (readelf NEEDED -> dpkg -S), minus the ones every Debian image has, plus
  curl and ca-certificates for the HEALTHCHECK (a sanitizer build, which leaves jemalloc out,
  counts it as linked); and each of those packages is a dependency of a
  -dev package in tools/dev.sh's list (so both lists name the same libraries);
* the runtime stage is non-root, has the data volume and the config file where BATCHGATE_CONFIG
  points, copies the binary from the build stage, and its HEALTHCHECK and EXPOSE use the port of
  config/docker.toml, whose data_dir is the volume.

Usage: check_dockerfile.py --root SOURCE_DIR --binary BUILT_BATCHGATE
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tomllib

BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}  # in every Debian image
HEALTHCHECK_PACKAGES = {"curl", "ca-certificates"}
SANITIZER_LIBS = re.compile(r"^lib(a|ub|t|l|hwa)san\.so")
# A sanitizer build leaves out jemalloc (the sanitizer owns malloc: BG_JEMALLOC is off in those
# presets), which the Release binary the image ships links; count its library as linked.
RELEASE_ONLY_LIBS = {"libjemalloc.so.2": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAILED: " + what)
    return cond


def instructions(path):
    """(KEYWORD, argument text) per Dockerfile instruction, continuation lines joined."""
    out, current = [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not current and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.lstrip().startswith("#"):  # a comment inside a continued instruction
                continue
            current += line.rstrip("\\").rstrip() + " " if line.endswith("\\") else line
            if not line.endswith("\\"):
                keyword, _, rest = current.strip().partition(" ")
                out.append((keyword.upper(), rest.strip()))
                current = ""
    return out


def stages(instrs):
    result = []
    for keyword, arg in instrs:
        if keyword == "FROM":
            words = arg.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            result.append({"image": words[0], "name": name, "steps": []})
        elif result:
            result[-1]["steps"].append((keyword, arg))
    return result


def dev_sh_packages(path):
    text = open(path).read()
    m = re.search(r"^packages=\((.*?)^\)", text, re.S | re.M)
    if not m:
        return None, text
    pkgs = []
    for line in m.group(1).splitlines():
        pkgs += line.split("#", 1)[0].split()
    return pkgs, text


def needed_packages(binary):
    """Debian packages of the binary's NEEDED libraries (sanitizer runtimes left out)."""
    dyn = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True)
    libs = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dyn.stdout)
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
    pkgs = {}
    if any(SANITIZER_LIBS.match(lib) for lib in libs):
        for lib, path in RELEASE_ONLY_LIBS.items():
            if lib not in libs:
                libs.append(lib)
                paths.setdefault(lib, path)
    for lib in libs:
        if SANITIZER_LIBS.match(lib):
            continue
        path = paths.get(lib)
        if not check(path is not None, "ldd does not resolve %s" % lib):
            continue
        owner = None
        for candidate in (path, os.path.realpath(path), path.replace("/usr/lib/", "/lib/"),
                          os.path.realpath(path).replace("/usr/lib/", "/lib/")):
            r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if r.returncode == 0:
                owner = r.stdout.split(":", 1)[0].strip()
                break
        if check(owner is not None, "no Debian package owns %s (%s)" % (lib, path)):
            pkgs[lib] = owner
    return pkgs


def depends_of(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True,
                       text=True)
    return {d.strip().split()[0].split(":")[0] for alt in r.stdout.split(",") for d in alt.split("|")
            if d.strip()}


def apt_install_list(run_arg):
    words = shlex.split(run_arg.replace("&&", " && "))
    out, taking = [], False
    for w in words:
        if w == "&&":
            taking = False
        elif taking and not w.startswith("-"):
            out.append(w)
        elif w == "install" and "apt-get" in words:
            taking = True
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    root = args.root

    st = stages(instructions(os.path.join(root, "Dockerfile")))
    if not check(len(st) == 2, "two stages (build, runtime), got %d" % len(st)):
        return
    build, runtime = st
    check(build["image"] in ("debian:bookworm", "debian:12"), "build stage is Debian 12")
    check(runtime["image"] in ("debian:bookworm-slim", "debian:12-slim"),
          "runtime stage is Debian 12 slim")

    # Build stage: only tools/dev.sh, as the README says.
    runs = [a for k, a in build["steps"] if k == "RUN"]
    check(runs == ["tools/dev.sh deps", "BG_ASAN=${BG_ASAN} tools/dev.sh test"],
          "build stage RUNs exactly `tools/dev.sh deps` then `tools/dev.sh test`: %r" % runs)
    check(all("apt-get" not in a for a in runs), "build stage installs packages only via dev.sh")
    copies = [a for k, a in build["steps"] if k == "COPY"]
    check(copies and copies[0] == "tools/dev.sh tools/dev.sh",
          "tools/dev.sh is copied before the rest (cached package layer)")
    readme = open(os.path.join(root, "README.md")).read()
    check("tools/dev.sh test" in readme and "tools/dev.sh serve" in readme,
          "README's set-up commands are tools/dev.sh serve/test")
    check("./tools/dev.sh test" in open(os.path.join(root, ".ci/run")).read(),
          ".ci/run runs tools/dev.sh test")
    pkgs, dev_sh = dev_sh_packages(os.path.join(root, "tools/dev.sh"))
    check(pkgs, "tools/dev.sh has a packages=( ... ) list")
    check(re.search(r"^\s*deps\)\s*\n\s*install_packages\s*\n\s*;;", dev_sh, re.M) is not None,
          "`tools/dev.sh deps` only installs the package list")
    check("Debian 12" in dev_sh, "tools/dev.sh targets Debian 12, as the image does")

    # Runtime stage: exactly the binary's libraries (+ the health check's tools).
    needed = needed_packages(args.binary)
    want = (set(needed.values()) - BASE_PACKAGES) | HEALTHCHECK_PACKAGES
    rt_runs = [a for k, a in runtime["steps"] if k == "RUN"]
    installed = set()
    for a in rt_runs:
        installed |= set(apt_install_list(a))
    check(installed == want, "runtime packages %s, the binary needs %s" %
          (sorted(installed), sorted(want)))
    dev_depends = set()
    for p in pkgs or []:
        dev_depends |= depends_of(p)
    for lib, owner in sorted(needed.items()):
        if owner not in BASE_PACKAGES:
            check(owner in dev_depends,
                  "%s (%s) is a dependency of a package in tools/dev.sh" % (owner, lib))

    steps = runtime["steps"]
    get = lambda kw: [a for k, a in steps if k == kw]  # noqa: E731
    users = get("USER")
    check(users and users[-1] not in ("root", "0"), "runtime runs as a non-root USER")
    check(any("--from=build" in a and "build/release/batchgate" in a for a in get("COPY")),
          "the binary comes from the build stage's build/release")
    env = " ".join(get("ENV"))
    m = re.search(r"BATCHGATE_CONFIG=(\S+)", env)
    config_path = m.group(1) if m else None
    check(any(a.split()[-1] == config_path and a.split()[0] == "config/docker.toml"
              for a in get("COPY")), "config/docker.toml is copied to BATCHGATE_CONFIG")
    docker_cfg = tomllib.load(open(os.path.join(root, "config/docker.toml"), "rb"))
    volumes = " ".join(get("VOLUME"))
    check(docker_cfg.get("data_dir", "") in volumes and docker_cfg.get("data_dir"),
          "data_dir of config/docker.toml is the VOLUME")
    port = docker_cfg.get("listen", ":").rsplit(":", 1)[1]
    check(port in " ".join(get("EXPOSE")), "EXPOSE the listen port %s" % port)
    health = " ".join(get("HEALTHCHECK"))
    check("/healthz" in health and ("127.0.0.1:%s/" % port) in health,
          "HEALTHCHECK probes /healthz on the listen port")
    check("https://" in health and "http://" in health, "HEALTHCHECK works with TLS on or off")
    check(docker_cfg.get("auth", {}).get("mode") == "tokens",
          "the image listens beyond loopback, so its config needs auth.mode = tokens")
    entry = " ".join(get("ENTRYPOINT"))
    check("batchgate" in entry, "ENTRYPOINT is batchgate")
    dockerignore = open(os.path.join(root, ".dockerignore")).read().split()
    check("build/" in dockerignore and "data/" in dockerignore,
          ".dockerignore keeps build/ and data/ out of the context")

    deployment = open(os.path.join(root, "docs/deployment.md")).read()
    check("check_dockerfile.py" in deployment, "docs/deployment.md says what this test checks")


if __name__ == "__main__":
    main()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("Dockerfile consistent with tools/dev.sh, the binary and config/docker.toml")
