"""``python -m minbar.work [--concurrency N]``: the same as ``minbar worker`` (settings from the
environment), for process managers that would rather not go through the CLI."""

from __future__ import annotations

import argparse
import logging

from minbar.config import Settings
from minbar.work.worker import run_worker


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m minbar.work", description=__doc__)
    ap.add_argument("--concurrency", type=int, default=1)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_worker(Settings.from_env(), concurrency=args.concurrency)


if __name__ == "__main__":
    main()
