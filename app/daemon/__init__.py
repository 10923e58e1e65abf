"""The capture daemon: runs capture sources (plugins) and commits what they capture.

    sources (threads) --emit--> CaptureSink (bounded queue) --commit--> events table --> ack
                                      |                                     |
                           drops counted per source             distiller runs when idle

Layout: `run.py` starts it in this process (lock, key, logging, signals) and `daemon.py` is
the process itself (main loop, ordered shutdown); `supervisor.py` source threads, pause and
enable; `context.py` what a running source is given; `sink.py` the queue and the writer;
`stats.py` the numbers `amber daemon status` shows; `statusfile.py` and `control.py` the
two small JSON files other processes read and write without the database key; `health.py`
which of its files cannot be written now (a full disk), for the status and the pause;
`process.py` start/stop from the CLI; `units.py` systemd and launchd service files;
`idle.py` idle-time work (the distiller); `keys.py` keys for a source's encrypted files;
`settings.py` one-line edits of `[capture.*]` in config.toml; `inprocess.py` the daemon in
a thread (embedding, tests). The built-in sources live in `amber.plugins.sources`.
"""
