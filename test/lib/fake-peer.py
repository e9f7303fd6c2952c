#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A misbehaving peer on loopback, for the deadline tests: it prints the
port it listens on (first line of stdout) and runs until SIGTERM.

  fake-peer.py silent           accepts, never sends a byte
  fake-peer.py trickle          accepts, sends one byte a second, for ever
  fake-peer.py relay HOST PORT  relays to a real server; after SIGUSR1 the
                                connections open then are frozen: nothing
                                more is forwarded either way and nothing is
                                closed (a half-open path); new connections
                                are still relayed
"""
import select
import signal
import socket
import sys
import threading
import time


def main():
    mode = sys.argv[1]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(128)
    print(ls.getsockname()[1], flush=True)
    stop = threading.Event()
    frozen = set()
    pairs = []
    lock = threading.Lock()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def freeze(*_):
        with lock:
            for p in pairs:
                frozen.add(p)

    signal.signal(signal.SIGUSR1, freeze)
    keep = []

    def trickle(c):
        try:
            while not stop.is_set():
                c.send(b"\x00")
                time.sleep(1)
        except OSError:
            pass

    def relay(c, pair):
        up = socket.create_connection((sys.argv[2], int(sys.argv[3])))
        keep.append(up)
        ends = {c: up, up: c}
        while not stop.is_set():
            if pair in frozen:
                time.sleep(0.05)
                continue
            r, _, _ = select.select(list(ends), [], [], 0.05)
            for s in r:
                if pair in frozen:
                    break
                data = s.recv(65536)
                if not data:
                    return
                ends[s].sendall(data)

    ls.settimeout(0.1)
    n = 0
    while not stop.is_set():
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        keep.append(c)
        n += 1
        if mode == "trickle":
            threading.Thread(target=trickle, args=(c,), daemon=True).start()
        elif mode == "relay":
            with lock:
                pairs.append(n)
            threading.Thread(target=relay, args=(c, n), daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
