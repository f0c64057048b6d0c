"""ESRI side by side with the reference implementation: induscope against GLcascade / fastcascade (R).

fastcascade 0.9.3.1 (C++ through Rcpp, called by GLcascade's ``GL_cascade``) is the implementation
of Diem et al. (2022). Both run here, on the same machine, on the same networks, with the same
firms closed, and must give the same scores (to 1e-10) and the same step counts:

  ihs_fixture     the 1,232-firm network of the ESRIcascade.jl benchmark scripts, firms 1..16 closed
  published_<n>   the published benchmark's network specification (truncated power law, exponent
                  2.3, cap 128, 8 links per firm, 616 IHS industries in blocks), a random sample of
                  firms closed one by one
with eps = 0.01 and replaceability on (suppliers replaceable within their industry, the published
setting) unless the case says ``nomarket``.

Timed, like for like: one ``GL_cascade`` call (its preparation and one cascade per closed firm)
against ours building the model (``GLCascade(...)``, the preparation) and ``esri`` on the same
firms. Each side warms up first (R: one call on one firm; ours: numba compilation and one call), then
rounds alternate R and ours, ``--repeats`` rounds (at least 3); medians of wall and CPU time with the
load average of every run. R's start-up and reading of the inputs are outside its timed region.

R is not a dependency of the project, and CI does not install it: when ``Rscript`` or the GLcascade
package is missing this benchmark says so and exits 0 without writing anything. Installing it
(Debian; the tarballs are in ../shared/peers, GPL: run them, never copy their code):

    apt-get install -y r-base-core r-base-dev r-cran-rcpp r-cran-rcpparmadillo r-cran-matrix
    R CMD INSTALL ../shared/peers/fastcascade_0.9.3.1.tar.gz && R CMD INSTALL ../shared/peers/GLcascade_0.9.3.1.tar.gz

    python bench/bench_esri_fastcascade.py                       # fixture, 2,000 and 10,000 firms
    python bench/bench_esri_fastcascade.py --cases ihs_fixture,published_2000 --out x.json   # quick
Writes bench/results/esri_fastcascade.json (or --out).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT / ".." / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from _benchutil import RESULTS, load, machine, ratio, summary, write_json  # noqa: E402

EPS = 0.01
AGREE = 1e-10
FIXTURE_OFFSETS = np.array([1, 37, 91, 173, 311, 509, 701, 997])
#: case -> (firms closed, replaceability); "published_<n>" cases take their size from the name
DEFAULT_CASES = "ihs_fixture,published_2000,published_10000"
SAMPLES = {2000: 24, 10000: 8, 50000: 4}

# Our own driver of the peer's documented entry point (GLcascade::GL_cascade); arguments: input
# folder, output file, library folder or "". Timed: the GL_cascade call only.
R_DRIVER = r"""
args <- commandArgs(trailingOnly = TRUE)
inp <- args[1]; out <- args[2]; lib <- if (length(args) >= 3 && nzchar(args[3])) args[3] else NULL
suppressPackageStartupMessages({library(Matrix); library(GLcascade, lib.loc = lib)})
tr <- read.csv(file.path(inp, "W.csv"))
n <- scan(file.path(inp, "n.txt"), quiet = TRUE)
W <- sparseMatrix(i = tr$i, j = tr$j, x = tr$v, dims = c(n, n))
p <- scan(file.path(inp, "p.txt"), quiet = TRUE)
E <- as.matrix(read.csv(file.path(inp, "E.csv"), header = FALSE))
rownames(E) <- colnames(E) <- as.character(sort(unique(p)))
market <- scan(file.path(inp, "market.txt"), quiet = TRUE) == 1
closed <- scan(file.path(inp, "closed.txt"), quiet = TRUE)
call <- function(firms) {
  psi <- sparseMatrix(i = firms, j = seq_along(firms), x = 1, dims = c(n, length(firms)))
  GL_cascade(W = W, p = p, p_market = if (market) p else FALSE, ess_mat_sec = E, psi_mat = psi,
             track_conv = TRUE, conv_type = 1, eps = 0.01, use_rcpp = TRUE, ncores = FALSE)
}
invisible(capture.output(call(closed[1])))                     # warm-up
t0 <- proc.time()
invisible(capture.output(res <- call(closed)))
t1 <- proc.time() - t0
esri <- as.numeric(res$ESRI[, 1])
steps <- as.numeric(res$ESRI_conv[, 3])
cpu <- as.numeric(t1[["user.self"]] + t1[["sys.self"]])
writeLines(sprintf('{"wall_s": %.9f, "cpu_s": %.9f, "esri": [%s], "steps": [%s]}', t1[["elapsed"]], cpu,
                   paste(sprintf("%.17g", esri), collapse = ","), paste(steps, collapse = ",")), out)
"""


def r_available(lib: str | None) -> str | None:
    """None when R and GLcascade are usable, else the reason (printed, and the benchmark skips)."""
    if shutil.which("Rscript") is None:
        return "Rscript not found: R is not installed (see this file's docstring for the install recipe)"
    lib_arg = f', lib.loc = "{lib}"' if lib else ""
    p = subprocess.run(["Rscript", "-e", f"suppressPackageStartupMessages(library(GLcascade{lib_arg}))"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return f"R is installed but the GLcascade package is not ({p.stderr.strip().splitlines()[-1:]})"
    return None


def r_version() -> str:
    p = subprocess.run(["Rscript", "-e", 'cat(R.version.string, as.character(packageVersion("GLcascade")), '
                        'as.character(packageVersion("fastcascade")), "BLAS:", extSoftVersion()[["BLAS"]], '
                        '"LAPACK:", La_library())'], capture_output=True, text=True)
    return p.stdout.strip()


def build_case(name: str, ess):
    """(firms frame, links frame, firms to close, replaceability) of a case."""
    from induscope.core.network.synthetic import truncated_power_law_network

    if name == "ihs_fixture":
        n = 2 * len(ess.codes)
        sup = np.repeat(np.arange(1, n + 1), len(FIXTURE_OFFSETS))
        cus = ((np.arange(1, n + 1)[:, None] + FIXTURE_OFFSETS - 1) % n + 1).ravel()
        firms = pd.DataFrame({"firm": [str(i) for i in range(1, n + 1)], "industry": np.repeat(ess.codes, 2)})
        links = pd.DataFrame({"supplier": sup.astype(str), "customer": cus.astype(str),
                              "value": 1.0 + (13 * sup + 7 * cus) % 17})
        return firms, links, [str(i) for i in range(1, 17)], True
    parts = name.split("_")
    if parts[0] != "published" or not parts[1].isdigit() or parts[2:] not in ([], ["nomarket"]):
        raise SystemExit(f"unknown case {name!r}: ihs_fixture, published_<firms> or published_<firms>_nomarket")
    n = int(parts[1])
    firms, links = truncated_power_law_network(n, ess.codes, mean_out_degree=8, exponent=2.3, max_degree=128,
                                               seed=42)
    rng = np.random.default_rng(12345)
    k = SAMPLES.get(n, 8)
    closed = firms["firm"].to_numpy()[np.sort(rng.choice(n, size=k, replace=False))]
    return firms, links, [str(f) for f in closed], parts[2:] != ["nomarket"]


def write_r_inputs(folder: Path, firms: pd.DataFrame, links: pd.DataFrame, closed: list[str], market: bool,
                   ess) -> None:
    pos = {f: i + 1 for i, f in enumerate(firms["firm"].astype(str))}
    code_index = {c: i + 1 for i, c in enumerate(ess.codes)}
    p = firms["industry"].astype(str).map(code_index).to_numpy()
    present = np.sort(np.unique(p))
    pd.DataFrame({"i": links["supplier"].astype(str).map(pos), "j": links["customer"].astype(str).map(pos),
                  "v": links["value"].astype(float)}).to_csv(folder / "W.csv", index=False, float_format="%.17g")
    (folder / "n.txt").write_text(str(len(firms)))
    (folder / "p.txt").write_text("\n".join(map(str, p)))
    # E restricted to the industries present, in sort(unique(p)) order (GL_cascade's convention)
    pd.DataFrame(ess.E[np.ix_(present - 1, present - 1)]).to_csv(folder / "E.csv", index=False, header=False)
    (folder / "market.txt").write_text("1" if market else "0")
    (folder / "closed.txt").write_text("\n".join(str(pos[f]) for f in closed))
    (folder / "driver.R").write_text(R_DRIVER)


def run_r(folder: Path, lib: str | None, timeout: float) -> dict:
    out = folder / "out.json"
    load_before = load()
    p = subprocess.run(["Rscript", str(folder / "driver.R"), str(folder), str(out), lib or ""],
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"R failed ({p.returncode}):\n{p.stderr[-3000:]}")
    res = json.loads(out.read_text())
    res["load_before"] = load_before
    return res


def run_ours(net, ess, closed: list[str], market: bool, engine: str) -> dict:
    from induscope.core.network.esri import GLCascade

    load_before = load()
    t0, c0 = time.perf_counter(), time.process_time()
    model = GLCascade(net, ess, eps=EPS, engine=engine, market=market)
    t1, c1 = time.perf_counter(), time.process_time()
    res = model.esri(closed)
    t2, c2 = time.perf_counter(), time.process_time()
    return {"wall_s": t2 - t0, "cpu_s": c2 - c0, "prepare_wall_s": t1 - t0, "esri_wall_s": t2 - t1,
            "esri": res.esri, "steps": res.iterations, "load_before": load_before}


def bench_case(name: str, ess, lib: str | None, repeats: int, timeout: float, engine: str) -> dict:
    from induscope.core.network.esri import GLCascade
    from induscope.core.network.network import SupplyNetwork

    firms, links, closed, market = build_case(name, ess)
    net = SupplyNetwork.from_frames(firms, links)
    GLCascade(net, ess, eps=EPS, engine=engine, market=market).esri(closed[:2])   # warm-up (compiles numba)
    r_runs, o_runs = [], []
    with tempfile.TemporaryDirectory(prefix="bench_esri_fc_") as tmp:
        folder = Path(tmp)
        write_r_inputs(folder, firms, links, closed, market, ess)
        for r in range(repeats):
            for side in (("R", "ours") if r % 2 == 0 else ("ours", "R")):
                if side == "R":
                    r_runs.append(run_r(folder, lib, timeout))
                else:
                    o_runs.append(run_ours(net, ess, closed, market, engine))
    ref, ours = r_runs[0], o_runs[0]
    ref_esri = np.asarray(ref["esri"], dtype=float)
    diff = float(np.abs(ours["esri"] - ref_esri).max())
    same_steps = bool(np.array_equal(np.asarray(ours["steps"]), np.asarray(ref["steps"], dtype=int)))
    r_wall, o_wall = summary([x["wall_s"] for x in r_runs]), summary([x["wall_s"] for x in o_runs])
    r_cpu, o_cpu = summary([x["cpu_s"] for x in r_runs]), summary([x["cpu_s"] for x in o_runs])
    row = {"case": name, "firms": net.n, "links": net.m, "closed": len(closed), "replaceability": market,
           "eps": EPS, "engine": engine, "repeats": repeats,
           "fastcascade": {"wall_s": r_wall, "cpu_s": r_cpu,
                           "per_closed_firm_ms": r_wall["median"] / len(closed) * 1e3,
                           "load_before_each_run": [x["load_before"] for x in r_runs]},
           "induscope": {"wall_s": o_wall, "cpu_s": o_cpu,
                         "prepare_wall_s": summary([x["prepare_wall_s"] for x in o_runs]),
                         "esri_wall_s": summary([x["esri_wall_s"] for x in o_runs]),
                         "per_closed_firm_ms": o_wall["median"] / len(closed) * 1e3,
                         "load_before_each_run": [x["load_before"] for x in o_runs]},
           "ratio_wall_fastcascade_over_ours": ratio(r_wall["median"], o_wall["median"]),
           "ratio_cpu_fastcascade_over_ours": ratio(r_cpu["median"], o_cpu["median"]),
           "max_abs_esri_difference": diff, "same_step_counts": same_steps,
           "identical_scores": bool(diff <= AGREE),
           "esri_min_max": [float(ref_esri.min()), float(ref_esri.max())]}
    print(f"  {name:26s} {net.n:>6} firms, {len(closed):>2} closed, replaceability {'on ' if market else 'off'}: "
          f"fastcascade {r_wall['median']:.3f} s, ours {o_wall['median']:.4f} s -> "
          f"{row['ratio_wall_fastcascade_over_ours']:.0f}x wall, {row['ratio_cpu_fastcascade_over_ours']:.0f}x CPU; "
          f"max |diff| {diff:.1e}, same steps {same_steps}", flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=DEFAULT_CASES)
    ap.add_argument("--repeats", type=int, default=3, help="alternating rounds per case (at least 3)")
    ap.add_argument("--r-lib", default=None, help="R library folder holding GLcascade (default: R's own)")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", type=Path, default=RESULTS / "esri_fastcascade.json")
    a = ap.parse_args()
    if a.repeats < 3:
        raise SystemExit("--repeats must be at least 3")
    why = r_available(a.r_lib)
    if why:
        print(f"SKIPPED: ESRI against fastcascade needs R with GLcascade / fastcascade. {why}. Nothing written.")
        return
    from induscope.core.network._kernels import HAVE_NUMBA
    from induscope.core.network.network import Essentiality

    engine = "numba" if HAVE_NUMBA else "numpy"
    ess = Essentiality.from_frame(pd.read_csv(SHARED / "esri" / "ess_mat_n4_ihs.csv", dtype=str,
                                              keep_default_na=False), source="ess_mat_n4_ihs.csv")
    started, load_start = time.strftime("%Y-%m-%dT%H:%M:%S%z"), load()
    print(f"ESRI vs fastcascade ({r_version()}), engine {engine}, {a.repeats} rounds; load {load_start}", flush=True)
    rows: list[dict] = []
    doc = {"benchmark": "ESRI (GL cascade), induscope vs GLcascade/fastcascade 0.9.3.1 (R/C++), side by side",
           "started": started, "load_at_start": load_start, "load_at_end": load(), "peer": r_version(),
           "machine": machine(), "results": rows,
           "notes": ["timed like for like: one GL_cascade call (preparation + one cascade per closed firm) "
                     "against GLCascade(...) + esri(closed); R start-up and input reading not timed",
                     "each side warmed up first; rounds alternate R and ours; medians over rounds",
                     "fastcascade is single-threaded; ours ran on one core too (esri on a few firms does not "
                     "fan out)",
                     "scores: ESRI with output weights = out-strength; identical = max |diff| <= 1e-10; "
                     "step counts compared with GL_cascade's ESRI_conv T",
                     "the machine is shared (2 cores, other jobs): read each time with its load average"]}
    for case in [c for c in a.cases.split(",") if c]:
        rows.append(bench_case(case, ess, a.r_lib, a.repeats, a.timeout, engine))
        doc["load_at_end"] = load()
        write_json(doc, a.out)          # after every case: a long run stopped halfway keeps what it measured
    print(f"wrote {a.out}")
    if not all(r["identical_scores"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
