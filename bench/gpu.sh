#!/usr/bin/env bash
# GPU benchmarks, prepared to run in a few minutes on a machine lent with an NVIDIA GPU.
#
#   bash bench/gpu.sh            (from the repository root; OUT=/some/dir to also copy the JSON there)
#
# What it runs (each with its own time limit, about 5 minutes in all):
#   bench/bench_ario.py --gpu    the ARIO step: our CPU path against CuPy / PyTorch, same results to 1e-9
#   bench/gpu_static.py          the Leontief inverse and the static set on the GPU (if that file exists)
#   bench/gpu_esri.py            firm-network ESRI on the GPU (if that file exists)
# Results: bench/results/gpu*.json, copied to $OUT when OUT is set. GPU_BENCH=ario,static,esri
# (the default) picks which of them run.
#
# Python: $PYTHON if set; else the repository's .venv when it runs here (CuPy is installed into it
# from PyPI if missing: cupy-cuda12x or cupy-cuda13x after the driver's CUDA version); else a
# system python3 that already has CuPy or PyTorch (images with a GPU stack often do). The package
# is used from src/ (PYTHONPATH), so nothing needs installing when numpy, scipy and pandas are there.
#
# Exit codes: 0 done (a benchmark that failed is reported and the others still run; the last such
# exit code is returned), 3 no NVIDIA GPU, 4 no Python with numpy/scipy/pandas and a GPU library.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
START=$(date +%s)
status=0

say() { echo "[gpu.sh] $*"; }

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
    say "no NVIDIA GPU here (nvidia-smi missing or sees no device): nothing to benchmark"
    exit 3
fi
nvidia-smi -L
CUDA_MAJOR=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9][0-9]*\)\..*/\1/p' | head -1)
say "driver supports CUDA ${CUDA_MAJOR:-?}"

has() {  # has PYTHON MODULE... : the interpreter imports every module
    local py=$1; shift
    local m
    for m in "$@"; do
        "$py" -c "import $m" >/dev/null 2>&1 || return 1
    done
}
gpu_lib() {  # gpu_lib PYTHON : a GPU library that sees a device
    "$1" - <<'EOF' 2>/dev/null
ok = []
try:
    import cupy
    if cupy.cuda.runtime.getDeviceCount() > 0:
        ok.append("cupy")
except Exception:
    pass
try:
    import torch
    if torch.cuda.is_available():
        ok.append("torch")
except Exception:
    pass
print(" ".join(ok))
EOF
}

pick_python() {
    if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
    local venv="$ROOT/.venv/bin/python"
    if [ -x "$venv" ] && has "$venv" numpy scipy pandas; then
        if [ -z "$(gpu_lib "$venv")" ]; then
            local wheel="cupy-cuda12x"
            [ "${CUDA_MAJOR:-12}" -ge 13 ] 2>/dev/null && wheel="cupy-cuda13x"
            say "installing $wheel into .venv (PyPI)"
            timeout 120 "$venv" -m pip install -q "$wheel" >/dev/null 2>&1 || say "pip install $wheel failed (no PyPI here?)"
        fi
        if [ -n "$(gpu_lib "$venv")" ]; then echo "$venv"; return; fi
    fi
    local py
    for py in python3 python /opt/torch/.venv/bin/python3; do
        if command -v "$py" >/dev/null 2>&1 && has "$py" numpy scipy pandas && [ -n "$(gpu_lib "$py")" ]; then
            command -v "$py"; return
        fi
    done
}

PY=$(pick_python)
if [ -z "$PY" ]; then
    say "no Python with numpy, scipy, pandas and a GPU library (CuPy or PyTorch) that sees the GPU"
    exit 4
fi
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
say "python: $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])')), GPU libraries: $(gpu_lib "$PY")"

run() {  # run SECONDS SCRIPT ARGS...
    local limit=$1 script=$2; shift 2
    if [ ! -f "$script" ]; then say "skip $script (not in this checkout)"; return; fi
    say "run $script $* (limit ${limit}s)"
    timeout "$limit" "$PY" "$script" "$@"
    local rc=$?
    if [ $rc -ne 0 ]; then say "$script exited with $rc"; status=$rc; fi
}

want() { case ",${GPU_BENCH:-ario,static,esri}," in *",$1,"*) return 0;; esac; return 1; }
want ario && run 150 bench/bench_ario.py --gpu --sizes 1960,3920,7987 --steps 20 --timeout 120
want static && run 75 bench/gpu_static.py
want esri && run 60 bench/gpu_esri.py

if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    cp "$RESULTS"/gpu*.json "$OUT"/ 2>/dev/null && say "copied $(ls "$RESULTS"/gpu*.json | wc -l) result file(s) to $OUT"
fi
say "done in $(( $(date +%s) - START ))s"
exit $status
