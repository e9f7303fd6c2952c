#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Many concurrent MariaDB clients from one process, for the helper tests
and bench/readonly: each thread holds one connection and runs one
statement that blocks (or a given one), until it is killed or this process
gets SIGTERM.  Credentials come from an option file ([client]); nothing on
a command line.

  load-clients.py --defaults-file F --mode select|write|sql [--sql S]...
                  [--clients N] [--seconds S] [--status FILE]

  select  SELECT SLEEP(S)
  write   BEGIN; UPDATE test.load_t SET v=v+1 WHERE id=k;
          UPDATE test.load_t SET v=v+1 WHERE id=k AND SLEEP(S)=0
          (a transaction holding a row lock, inside a running write)
  rowlock BEGIN; UPDATE test.load_t SET v=v+1 WHERE id=1: the first
          client holds the row lock (idle in its transaction), the others
          wait for it (InnoDB lock wait, up to S seconds)
  sql     each --sql in turn, one client each (cycled up to --clients)

--status FILE gets "connected N" once every client has sent its
statement, then "ended N ..." lines: how each client's statement ended.
"""
import argparse
import configparser
import os
import signal
import sys
import threading
import time

import pymysql


def creds(path):
    cp = configparser.ConfigParser(allow_no_value=True, strict=False,
                                   interpolation=None)
    with open(path) as f:
        cp.read_string(f.read())
    c = cp["client"]
    return dict(user=c.get("user"), password=c.get("password", ""),
                host=c.get("host", "127.0.0.1"),
                port=int(c.get("port", "3306")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--defaults-file", required=True)
    ap.add_argument("--mode", choices=["select", "write", "rowlock", "sql"],
                    required=True)
    ap.add_argument("--sql", action="append", default=[])
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--status")
    a = ap.parse_args()
    kw = creds(a.defaults_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    if a.mode in ("write", "rowlock"):
        c = pymysql.connect(autocommit=True, database="test", **kw)
        cur = c.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS test.load_t"
                    " (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB")
        cur.execute("INSERT IGNORE INTO test.load_t SELECT seq, 0"
                    " FROM seq_1_to_%d" % a.clients)
        c.close()

    holder = threading.Event()
    sent = [0]
    ended = {}
    lock = threading.Lock()
    conns = []

    def client(k):
        try:
            c = pymysql.connect(autocommit=True, connect_timeout=20, **kw)
        except Exception as e:  # noqa: BLE001 - counted, not fatal
            with lock:
                ended["connect-failed"] = ended.get("connect-failed", 0) + 1
                sent[0] += 1
            print("connect failed: %s" % e, file=sys.stderr)
            return
        with lock:
            conns.append(c)
        cur = c.cursor()
        try:
            if a.mode == "select":
                stmts = ["SELECT SLEEP(%d)" % a.seconds]
            elif a.mode == "write":
                stmts = ["BEGIN",
                         "UPDATE test.load_t SET v=v+1 WHERE id=%d" % k,
                         "UPDATE test.load_t SET v=v+1 WHERE id=%d"
                         " AND SLEEP(%d)=0" % (k, a.seconds)]
            elif a.mode == "rowlock":
                if k > 1:
                    while not holder.is_set():
                        time.sleep(0.01)
                stmts = ["SET SESSION innodb_lock_wait_timeout=%d"
                         % a.seconds, "BEGIN",
                         "UPDATE test.load_t SET v=v+1 WHERE id=1"]
            else:
                stmts = [a.sql[(k - 1) % len(a.sql)]]
            for i, s in enumerate(stmts):
                if i == len(stmts) - 1:
                    with lock:
                        sent[0] += 1
                cur.execute(s)
            if a.mode == "rowlock" and k == 1:
                holder.set()
                stop.wait(a.seconds)
            how = "finished"
        except pymysql.err.OperationalError as e:
            how = "error-%d" % e.args[0]
        except Exception as e:  # noqa: BLE001
            how = type(e).__name__
        with lock:
            ended[how] = ended.get(how, 0) + 1

    threads = [threading.Thread(target=client, args=(k,), daemon=True)
               for k in range(1, a.clients + 1)]
    for t in threads:
        t.start()
    while not stop.is_set():
        with lock:
            if sent[0] >= a.clients:
                break
        time.sleep(0.01)
    if a.status:
        with open(a.status, "w") as f:
            f.write("connected %d\n" % sent[0])
    while not stop.is_set() and any(t.is_alive() for t in threads):
        stop.wait(0.1)
        if a.status:
            with lock:
                text = "".join("ended %s %d\n" % kv
                               for kv in sorted(ended.items()))
            with open(a.status + ".tmp", "w") as f:
                f.write("connected %d\n%s" % (sent[0], text))
            os.replace(a.status + ".tmp", a.status)
    with lock:
        for c in conns:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
