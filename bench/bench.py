#!/usr/bin/env python3
"""Time `heat dir` against `find` (and wixl-heat) over generated trees of chosen sizes.

usage: bench/bench.py [--files 10000,50000,200000] [--runs 5] [--wixl [SIZES]]
                      [--trees DIR] [--keep] [--generator auto|shared|own] [--seed N]
                      [--heat PATH] [--modes harvest,update,keepremoved,check,cgsplit]

For each size it makes a tree (../shared/bench/mktree.py beside the project when present,
else bench/mktree.py), runs each command once to warm the page cache, then runs

    find TREE -type f > LIST
    heat dir TREE -cg CG -dr INSTALLDIR -srd -gg -o OUT.wxs

alternately, --runs times each, and prints the median of each, the ratio heat/find, heat's
CPU time (user + system: more than the wall time when heat uses more than one core), the time
per file (for linear growth) and heat's peak resident memory (from `/usr/bin/time -v` when
present). With --wixl it also runs, once per size,

    find TREE -type f | wixl-heat --directory-ref INSTALLDIR --component-group CG
                                  --var var.Src -p TREE/ > OUT.wxs

when wixl-heat (Debian `wixl`) is installed. With --modes it also times, in the same rounds,
the steps a patch-compliant release adds, each against the harvest's output PREV.wxs:

    update       heat dir TREE ... -update PREV.wxs -o OUT.wxs
    keepremoved  heat dir TREE ... -update PREV.wxs -keepremoved -o OUT.wxs
    check        heat check PREV.wxs OUT.wxs      (two harvests of the tree)
    cgsplit      heat dir TREE ... -cgsplit 700 -o OUT.wxs

and prints each one's median and peak memory as ratios to the plain harvest's, run side by side. The results come out as Markdown tables, with a
description of the machine, ready to paste into BENCHMARKS.md. Machines are shared and their
speed drifts: compare ratios against find from the same session, not absolute times.

Needs Python 3.8+ and a POSIX system (Linux for the machine description and /usr/bin/time).
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
SHARED_MKTREE = os.path.join(os.path.dirname(ROOT), "shared", "bench", "mktree.py")
OWN_MKTREE = os.path.join(BENCH, "mktree.py")
GNU_TIME = "/usr/bin/time"

# The steps a patch-compliant release adds to the harvest: what each adds to heat's command line
# (PREV is the harvest's own output, OTHER a second harvest of the same tree).
PATCH_MODES = {
    "update": lambda prev, other: ["-update", prev],
    "keepremoved": lambda prev, other: ["-update", prev, "-keepremoved"],
    "check": None,
    "cgsplit": lambda prev, other: ["-cgsplit", "700"],
}


def fail(message):
    sys.exit("bench.py: " + message)


def sizes(text):
    try:
        values = [int(v.replace("_", "")) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected numbers separated by commas, got '%s'" % text)
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("expected numbers of files of at least 1, got '%s'" % text)
    return values


def parse_args():
    parser = argparse.ArgumentParser(
        description="Time heat dir against find (and wixl-heat) over generated trees.")
    parser.add_argument("--files", type=sizes, default=[10000, 50000, 200000], metavar="N,N,...",
                        help="tree sizes in files (default 10000,50000,200000)")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs of find and of heat at each size, alternating (default 5)")
    parser.add_argument("--wixl", nargs="?", const="all", default=None, metavar="N,N,...",
                        help="also run wixl-heat once, at every size or at the sizes given "
                             "(slow: minutes at 200,000 files)")
    parser.add_argument("--trees", metavar="DIR",
                        help="make the trees under DIR and reuse those already there "
                             "(default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the trees and outputs made by this run (default: remove them)")
    parser.add_argument("--generator", choices=["auto", "shared", "own"], default="auto",
                        help="tree maker: ../shared/bench/mktree.py (shared), bench/mktree.py "
                             "(own), or shared when present (auto, the default)")
    parser.add_argument("--seed", type=int, default=1600, help="tree seed (default 1600)")
    parser.add_argument("--heat", metavar="PATH",
                        help="time this heat binary instead of building the release binary")
    parser.add_argument("--modes", default="harvest", metavar="MODE,...",
                        help="what to time beside find: harvest (always), update, keepremoved, "
                             "check, cgsplit, or all (default harvest)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    known = ["harvest"] + list(PATCH_MODES)
    modes = known if args.modes == "all" else [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in known]
    if unknown:
        parser.error("--modes: unknown %s (known: %s, all)" % (", ".join(unknown), ", ".join(known)))
    args.modes = [m for m in known if m in modes and m != "harvest"]
    if args.wixl is None:
        args.wixl = []
    elif args.wixl == "all":
        args.wixl = list(args.files)
    else:
        try:
            args.wixl = sizes(args.wixl)
        except argparse.ArgumentTypeError as e:
            parser.error("--wixl: %s" % e)
        missing = [n for n in args.wixl if n not in args.files]
        if missing:
            parser.error("--wixl names sizes not in --files: %s" % ",".join(map(str, missing)))
    return args


def build_heat():
    """Builds the release binary and returns the path cargo reports for it."""
    print("building: cargo build --release --bin heat", flush=True)
    proc = subprocess.run(
        ["cargo", "build", "--release", "--bin", "heat",
         "--message-format=json-render-diagnostics"],
        cwd=ROOT, stdout=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        fail("cargo build --release failed (exit code %d)" % proc.returncode)
    for line in proc.stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("reason") == "compiler-artifact" and message.get("executable") \
                and message["target"]["name"] == "heat":
            return message["executable"]
    fail("cargo build did not name the heat executable")


def pick_generator(choice):
    if choice in ("auto", "shared") and os.path.isfile(SHARED_MKTREE):
        return "shared", SHARED_MKTREE
    if choice == "shared":
        fail("--generator shared: %s is not there" % SHARED_MKTREE)
    return "own", OWN_MKTREE


def run(argv, stdout, stderr=subprocess.DEVNULL, stdin=None):
    """Runs argv to the end; returns (wall seconds, exit code, peak RSS in KiB, CPU seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") \
        else (status >> 8)
    return wall, proc.returncode, rss_kib(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def rss_kib(maxrss):
    # getrusage reports kilobytes on Linux and the BSDs, bytes on macOS.
    return maxrss / 1024 if sys.platform == "darwin" else maxrss


def make_tree(generator, files, path, seed):
    """Makes the tree at `path` unless a finished one is there; returns whether it made one."""
    stamp = path + ".made"
    if os.path.isfile(stamp) and os.path.isdir(path):
        print("  tree: reusing %s" % path, flush=True)
        return False
    if os.path.exists(path):
        shutil.rmtree(path)  # left unfinished by an interrupted run
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, generator, str(files), path, "--seed", str(seed)],
                          stdout=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        fail("%s failed (exit code %d)" % (generator, proc.returncode))
    with open(stamp, "w") as f:
        f.write(proc.stdout)
    print("  tree: %s (%.1f s)" % (proc.stdout.strip(), time.perf_counter() - start), flush=True)
    return True


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def time_find(tree, listing):
    with open(listing, "wb") as out:
        wall, code, _, _ = run(["find", tree, "-type", "f"], stdout=out)
    if code != 0:
        fail("find %s exited with %d" % (tree, code))
    return wall


def time_heat(heat_argv, errors):
    with open(errors, "wb") as err:
        wall, code, rss, cpu = run(heat_argv, stdout=subprocess.DEVNULL, stderr=err)
    if code != 0:
        with open(errors, "r", errors="replace") as err:
            sys.stderr.write(err.read())
        fail("heat exited with %d: %s" % (code, " ".join(heat_argv)))
    return wall, rss, cpu


def peak_rss_gnu_time(heat_argv, errors, codes=(0,)):
    """heat's peak RSS in KiB as `/usr/bin/time -v` reports it, or None without it."""
    if not os.access(GNU_TIME, os.X_OK):
        return None
    with open(errors, "wb") as err:
        code = subprocess.call([GNU_TIME, "-v"] + heat_argv, stdout=subprocess.DEVNULL, stderr=err)
    if code not in codes:
        fail("%s -v heat exited with %d" % (GNU_TIME, code))
    with open(errors, "r", errors="replace") as err:
        for line in err:
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1])
    return None  # not GNU time (e.g. BSD time has no -v)


def time_wixl(tree, out, errors):
    """One run of find | wixl-heat; returns (wall seconds, wixl-heat's peak RSS in KiB)."""
    argv = ["wixl-heat", "--directory-ref", "INSTALLDIR", "--component-group", "CG",
            "--var", "var.Src", "-p", tree.rstrip("/") + "/"]
    start = time.perf_counter()
    with open(out, "wb") as o, open(errors, "wb") as e:
        lister = subprocess.Popen(["find", tree, "-type", "f"], stdout=subprocess.PIPE)
        wixl = subprocess.Popen(argv, stdin=lister.stdout, stdout=o, stderr=e)
        lister.stdout.close()
        _, wixl_status, usage = os.wait4(wixl.pid, 0)
        _, find_status, _ = os.wait4(lister.pid, 0)
    wall = time.perf_counter() - start
    lister.returncode = wixl.returncode = 0  # reaped above; keep Popen from waiting again
    if wixl_status != 0 or find_status != 0:
        with open(errors, "r", errors="replace") as e:
            sys.stderr.write(e.read())
        fail("find | wixl-heat failed over %s" % tree)
    return wall, rss_kib(usage.ru_maxrss)


def time_modes(args, heat, heat_argv, tree, out, outputs, files, errors):
    """Times --modes beside the plain harvest, in alternating rounds; returns, for the harvest
    and each mode, the median wall time and the peak RSS (KiB) of its runs."""
    if not args.modes:
        return {}
    prev = os.path.join(outputs, "prev-%d.wxs" % files)
    other = os.path.join(outputs, "other-%d.wxs" % files)
    shutil.copyfile(out, prev)
    shutil.copyfile(out, other)
    argvs = {"harvest": heat_argv}
    for mode in args.modes:
        if mode == "check":
            argvs[mode] = [heat, "check", prev, other]
        else:
            mode_out = os.path.join(outputs, "%s-%d.wxs" % (mode, files))
            argvs[mode] = heat_argv[:-2] + PATCH_MODES[mode](prev, other) + ["-o", mode_out]
    times = {m: [] for m in argvs}
    peaks = {m: 0 for m in argvs}
    for m, argv in argvs.items():
        run_mode(argv, errors)  # warm-up
    for _ in range(args.runs):
        for m, argv in argvs.items():
            wall, rss = run_mode(argv, errors)
            times[m].append(wall)
            peaks[m] = max(peaks[m], rss)
    for m, argv in argvs.items():
        print("  %s runs: %s" % (m, ", ".join("%.3f" % t for t in times[m])))
        # getrusage counts the forked Python before the exec: /usr/bin/time when there is one.
        gnu = peak_rss_gnu_time(mode_argv(argv), errors, codes=(0, 3))
        if gnu is not None:
            peaks[m] = gnu
    return {m: (statistics.median(times[m]), peaks[m]) for m in argvs}


def mode_argv(argv):
    """A mode's command line: a harvest of more than 1600 components warns (HEAT8202)."""
    return argv + ["-sw8202"] if argv[1] == "dir" else argv


def run_mode(argv, errors):
    """One run of a mode; heat's exit code 3 (files removed) counts as success here."""
    with open(errors, "wb") as err:
        wall, code, rss, _ = run(mode_argv(argv), stdout=subprocess.DEVNULL, stderr=err)
    if code not in (0, 3):
        with open(errors, "r", errors="replace") as err:
            sys.stderr.write(err.read())
        fail("heat exited with %d: %s" % (code, " ".join(argv)))
    return wall, rss


def command_output(argv, cwd=None):
    try:
        return subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True).stdout.strip()
    except OSError:
        return ""


def load_average():
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "unknown"


def machine(where, heat_version, load_at_start):
    """Lines describing the machine, the toolchain and the tree's filesystem."""
    cpu, mhz = "", ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and not cpu:
                    cpu = line.split(":", 1)[1].strip()
                elif line.startswith("cpu MHz") and not mhz:
                    mhz = line.split(":", 1)[1].strip().split(".")[0]
    except OSError:
        pass
    if cpu and mhz:
        cpu += " (%s MHz)" % mhz
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    memory = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
                    break
    except OSError:
        pass
    fstype = command_output(["df", "--output=fstype", where]).splitlines()[-1:] or \
        [command_output(["stat", "-f", "-c", "%T", where])]
    commit = command_output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    if commit and command_output(["git", "status", "--porcelain", "--untracked-files=no", "--",
                                  "src", "Cargo.toml", "Cargo.lock"], cwd=ROOT):
        commit += " with uncommitted changes to the code"
    return [
        ("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", cpu or platform.processor() or "unknown"),
        ("cores (nproc)", str(os.cpu_count())),
        ("memory", memory or "unknown"),
        ("kernel", "%s %s" % (platform.system(), platform.release())),
        ("filesystem of the trees", fstype[0] or "unknown"),
        ("rustc", command_output(["rustc", "--version"]) or "unknown"),
        ("heat", "%s, checkout %s" % (heat_version or "unknown", commit or "unknown")),
        ("load average (1 min) at start, at end", "%s, %s" % (load_at_start, load_average())),
        ("find", (command_output(["find", "--version"]).splitlines() or ["unknown"])[0]),
    ]


def seconds(s):
    return "%.3f s" % s if s < 10 else "%.1f s" % s


def mib(kib):
    return "%.1f MiB" % (kib / 1024) if kib is not None else "n/a"


def main():
    args = parse_args()
    if shutil.which("find") is None:
        fail("find is not on PATH")
    heat = os.path.abspath(args.heat) if args.heat else build_heat()
    if not os.access(heat, os.X_OK):
        fail("'%s' is not an executable heat" % heat)
    heat_version = command_output([heat, "--version"])
    kind, generator = pick_generator(args.generator)
    wixl = shutil.which("wixl-heat")
    if args.wixl and not wixl:
        print("wixl-heat is not installed (Debian package wixl): its runs are skipped")
        args.wixl = []

    load_at_start = load_average()
    temporary = args.trees is None
    work = tempfile.mkdtemp(prefix="heat-bench-") if temporary else os.path.abspath(args.trees)
    os.makedirs(work, exist_ok=True)
    outputs = os.path.join(work, "outputs")
    os.makedirs(outputs, exist_ok=True)
    made = []
    results = []
    try:
        print("trees under %s, made by %s (%s)" % (work, os.path.relpath(generator, ROOT), kind))
        for files in args.files:
            print("%d files:" % files, flush=True)
            tree = os.path.join(work, "tree-%d-%s-seed%d" % (files, kind, args.seed))
            if make_tree(generator, files, tree, args.seed):
                made.append(tree)
            listing = os.path.join(outputs, "find-%d.list" % files)
            out = os.path.join(outputs, "heat-%d.wxs" % files)
            errors = os.path.join(outputs, "heat-%d.stderr" % files)
            heat_argv = [heat, "dir", tree, "-cg", "CG", "-dr", "INSTALLDIR", "-srd", "-gg",
                         "-o", out]

            # One untimed run of each warms the page cache and the binary.
            time_find(tree, listing)
            time_heat(heat_argv, errors)
            expected = sha256(out)
            with open(listing, "rb") as f:
                found = sum(1 for _ in f)

            finds, heats, rss_runs, cpus = [], [], [], []
            for i in range(args.runs):
                finds.append(time_find(tree, listing))
                wall, rss, cpu = time_heat(heat_argv, errors)
                heats.append(wall)
                rss_runs.append(rss)
                cpus.append(cpu)
                if sha256(out) != expected:
                    fail("heat wrote different bytes on run %d over %s" % (i + 1, tree))
            print("  find runs: %s" % ", ".join("%.3f" % t for t in finds))
            print("  heat runs: %s" % ", ".join("%.3f" % t for t in heats))
            modes = time_modes(args, heat, heat_argv, tree, out, outputs, files, errors)
            rss = peak_rss_gnu_time(heat_argv, errors)
            rss_source = "/usr/bin/time -v"
            if rss is None:
                rss, rss_source = max(rss_runs), "getrusage"
            result = {
                "files": files, "found": found, "find": statistics.median(finds),
                "heat": statistics.median(heats), "cpu": statistics.median(cpus),
                "rss": rss, "rss_source": rss_source,
                "output": os.path.getsize(out), "wixl": None, "wixl_rss": None,
                "modes": modes,
            }
            print("  find median %s, heat median %s, heat/find %.2f, heat peak RSS %s (%s)"
                  % (seconds(result["find"]), seconds(result["heat"]),
                     result["heat"] / result["find"], mib(rss), rss_source), flush=True)
            if files in args.wixl:
                print("  wixl-heat: one run (slow)...", flush=True)
                wall, wixl_rss = time_wixl(tree, os.path.join(outputs, "wixl-%d.wxs" % files),
                                           os.path.join(outputs, "wixl-%d.stderr" % files))
                result["wixl"], result["wixl_rss"] = wall, wixl_rss
                print("  wixl-heat %s, wixl-heat/find %.1f"
                      % (seconds(wall), wall / result["find"]),
                      flush=True)
            results.append(result)

        report(args, results, machine(work, heat_version, load_at_start), kind)
    finally:
        if args.keep:
            print("\nkept: %s" % work)
        elif temporary:
            shutil.rmtree(work, ignore_errors=True)
        else:
            for tree in made:
                shutil.rmtree(tree, ignore_errors=True)
                try:
                    os.remove(tree + ".made")
                except OSError:
                    pass
            shutil.rmtree(outputs, ignore_errors=True)


def report(args, results, description, kind):
    print("\n## Machine\n")
    print("| | |\n|---|---|")
    for key, value in description:
        print("| %s | %s |" % (key, value))
    print("\nTrees: %s, seed %d. Median of %d alternating runs each, after one warm-up run."
          % ("../shared/bench/mktree.py" if kind == "shared" else "bench/mktree.py", args.seed,
             args.runs))
    print("heat: `heat dir TREE -cg CG -dr INSTALLDIR -srd -gg -o OUT.wxs`; "
          "find: `find TREE -type f > LIST`.\n")
    print("| files | find median | heat median | heat / find | heat CPU median | heat peak RSS | "
          "find per file | heat per file | output |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print("| %d | %s | %s | %.2f | %s | %s | %.2f µs | %.2f µs | %.1f MiB |" % (
            r["files"], seconds(r["find"]), seconds(r["heat"]), r["heat"] / r["find"],
            seconds(r["cpu"]), mib(r["rss"]), r["find"] / r["found"] * 1e6,
            r["heat"] / r["found"] * 1e6,
            r["output"] / 1024 / 1024))
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = (last["heat"] / last["found"]) / (first["heat"] / first["found"])
        print("\nheat's time per file at %d files is %.2f times its time per file at %d files "
              "(1.00 is linear growth)." % (last["files"], growth, first["files"]))
    if any(r["modes"] for r in results):
        print("\nThe steps of a patch-compliant release beside the plain harvest (`heat dir TREE -cg "
              "CG -dr INSTALLDIR -srd -gg -o OUT.wxs`), in the same alternating rounds; PREV.wxs is "
              "the harvest's output, and `check` compares two harvests of the tree:\n")
        print("| files | step | median | / harvest | / find | peak RSS | RSS / harvest |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for r in results:
            modes = r["modes"]
            if not modes:
                continue
            base, base_rss = modes["harvest"]
            for m, (wall, rss) in modes.items():
                print("| %d | %s | %s | %.2f | %.2f | %s | %.2f |" % (
                    r["files"], m, seconds(wall), wall / base, wall / r["find"], mib(rss),
                    rss / base_rss))
    if any(r["wixl"] is not None for r in results):
        print("\n`find TREE -type f | wixl-heat --directory-ref INSTALLDIR --component-group CG "
              "--var var.Src -p TREE/ > OUT.wxs`, one run:\n")
        print("| files | find median | wixl-heat | wixl-heat / find | heat / find | "
              "wixl-heat peak RSS |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in results:
            if r["wixl"] is not None:
                print("| %d | %s | %s | %.1f | %.2f | %s |" % (
                    r["files"], seconds(r["find"]), seconds(r["wixl"]), r["wixl"] / r["find"],
                    r["heat"] / r["find"], mib(r["wixl_rss"])))


if __name__ == "__main__":
    main()
