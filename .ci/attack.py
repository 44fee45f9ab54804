#!/usr/bin/env python3
"""Attacks a started release binary the way the hardening issue found it
vulnerable, under an address-space limit, and checks that it keeps answering.

While a fragment bomb (fragments spread ten times, ten deep: 10^10 fields once
expanded) and a flood of concurrent failed logins (wrong passwords from many
threads) hit the service, a prober asks /healthz and a normal query every
200 ms: each must answer within one second, and the process must survive.
Everything runs on the loopback, with bounded counts and a bounded time.

Usage: attack.py BINARY [--memory-limit BYTES] [--seconds N] [--max-resident-mib N]
Standard library only.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fragment_bomb(levels=10, fan_out=10):
    parts = ["{ ...L0 }"]
    for level in range(levels):
        spreads = " ".join(f"...L{level + 1}" for _ in range(fan_out))
        parts.append(f"fragment L{level} on Query {{ {spreads} }}")
    parts.append(f"fragment L{levels} on Query {{ __typename }}")
    return " ".join(parts)


def post(base, query, variables=None, timeout=10, headers=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"{base}/graphql",
        data=body,
        headers={"content-type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def get(base, path, timeout=10):
    with urllib.request.urlopen(f"{base}{path}", timeout=timeout) as response:
        return response.status, response.read()


def peak_memory_kib(pid):
    """The process's peak resident memory, in KiB (VmHWM), or None."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--memory-limit", type=int, default=1536 * 1024 * 1024)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--max-resident-mib", type=int, default=400)
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = tempfile.mkdtemp(prefix="coalition-attack-")
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite://{workdir}/attack.db",
            "BIND_ADDR": f"127.0.0.1:{port}",
            "LOG_FORMAT": "json",
            # The flood comes "from" many addresses, as a botnet's would, so
            # the per-address throttle does not stop it before the hashing
            # bound is tested; the addresses are header values only.
            "TRUST_FORWARDED_FOR": "true",
            "RUST_LOG": "warn",
        }
    )
    log = open(os.path.join(workdir, "server.log"), "w")
    server = subprocess.Popen(
        ["prlimit", f"--as={args.memory_limit}", "--", args.binary, "serve", "--demo"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    failures = []
    try:
        deadline = time.time() + 120
        while True:
            try:
                if get(base, "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.time() > deadline:
                print("the service did not start; its log:")
                print(open(os.path.join(workdir, "server.log")).read()[-4000:])
                return 1
            time.sleep(0.5)

        stop = time.time() + args.seconds
        counts = {"bomb": {}, "login": {}}
        lock = threading.Lock()

        def tally(kind, outcome):
            with lock:
                counts[kind][outcome] = counts[kind].get(outcome, 0) + 1

        def code(answer):
            status, body = answer
            try:
                return f"{status} {body['errors'][0]['extensions']['code']}"
            except (TypeError, KeyError, IndexError):
                return f"{status}"

        bomb = fragment_bomb()

        def bomber():
            while time.time() < stop:
                try:
                    outcome = code(post(base, bomb, timeout=5))
                except OSError as error:
                    outcome = type(error).__name__
                tally("bomb", outcome)

        login = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }"

        def flooder(i):
            n = 0
            while time.time() < stop:
                n += 1
                address = f"198.18.{i}.{n % 250 + 1}"
                try:
                    outcome = code(
                        post(
                            base,
                            login,
                            {"e": f"nobody-{i}-{n}@example.org", "p": f"wrong-{n}"},
                            timeout=5,
                            headers={"x-forwarded-for": address},
                        )
                    )
                except OSError as error:
                    outcome = type(error).__name__
                tally("login", outcome)

        probes = []

        def prober():
            query = "{ organizations(first: 5) { totalCount nodes { name } } }"
            while time.time() < stop:
                for what, call in (
                    ("/healthz", lambda: get(base, "/healthz", timeout=5)[0]),
                    ("query", lambda: post(base, query, timeout=5)[0]),
                ):
                    started = time.time()
                    try:
                        status = call()
                    except OSError as error:
                        status = type(error).__name__
                    probes.append((what, status, time.time() - started))
                time.sleep(0.2)

        threads = [threading.Thread(target=bomber) for _ in range(4)]
        threads += [threading.Thread(target=flooder, args=(i,)) for i in range(128)]
        threads.append(threading.Thread(target=prober))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        slow = [p for p in probes if p[1] != 200 or p[2] > 1.0]
        worst = max((p[2] for p in probes), default=0.0)
        print(f"fragment bombs answered: {counts['bomb']}")
        print(f"failed logins answered: {counts['login']}")
        peak = peak_memory_kib(server.pid)
        print(f"probes: {len(probes)}, slowest {worst:.3f} s, peak resident memory {peak} KiB")
        if peak is not None and peak > args.max_resident_mib * 1024:
            failures.append(f"peak resident memory {peak} KiB is over {args.max_resident_mib} MiB")
        if server.poll() is not None:
            failures.append(f"the service died (exit {server.returncode})")
        if not probes:
            failures.append("no probe ran")
        if slow:
            failures.append(f"{len(slow)} probes failed or took over 1 s: {slow[:5]}")
        if set(counts["bomb"]) != {"200 BAD_USER_INPUT"}:
            failures.append(f"fragment bombs not all refused as bad input: {counts['bomb']}")
        if not set(counts["login"]) <= {"200 UNAUTHENTICATED", "429 RATE_LIMITED"}:
            failures.append(f"failed logins answered otherwise: {counts['login']}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    if failures:
        for failure in failures:
            print(f"FAIL: {failure}")
        print("0 passed, 1 failed")
        return 1
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
