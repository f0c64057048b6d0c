"""Nowcasting models on one data vintage: the AR and random-walk benchmarks, a bridge regression on
principal-component factors of the indicators published for the target month (Stock & Watson's
diffusion index, used direct rather than iterated), and the dynamic factor model of statsmodels.

Every model takes the vintage (a monthly panel, NaN where not yet published), the target column and
the target period, and returns a ``Nowcast`` with a 90% interval (normal, from the model's own
prediction variance; parameter uncertainty is included for the regressions, not for the DFM).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ModelError

Z90 = 1.6448536269514722  # two-sided 90% normal quantile


@dataclass(frozen=True)
class Nowcast:
    model: str
    period: str
    value: float
    lower: float
    upper: float
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "period": self.period, "value": self.value, "lower": self.lower,
                "upper": self.upper, **{k: v for k, v in self.detail.items() if np.isscalar(v) or v is None}}


def _ols(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """Coefficients, residual variance and (X'X)^-1 of an OLS fit."""
    n, k = X.shape
    if n <= k + 2:
        raise ModelError(f"too few observations ({n}) for a regression with {k} coefficients")
    XtX_inv = np.linalg.pinv(X.T @ X)
    beta = XtX_inv @ (X.T @ y)
    resid = y - X @ beta
    return beta, float(resid @ resid / (n - k)), XtX_inv


def _interval(model: str, target: pd.Period, point: float, var: float, **detail) -> Nowcast:
    half = Z90 * np.sqrt(max(var, 0.0))
    return Nowcast(model, str(target), float(point), float(point - half), float(point + half), detail)


def _last_published(y: pd.Series, target: pd.Period) -> tuple[pd.Period, int]:
    obs = y.loc[:target].dropna()
    if obs.empty:
        raise ModelError(f"'{y.name}' has no published value before {target}")
    last = obs.index[-1]
    return last, (target - last).n


def random_walk(vintage: pd.DataFrame, target_col: str, target: pd.Period) -> Nowcast:
    """The last published value; interval from the spread of h-month changes."""
    y = vintage[target_col]
    last, h = _last_published(y, target)
    if h == 0:
        raise ModelError(f"{target} of '{target_col}' is already published")
    obs = y.dropna()
    changes = (obs - obs.shift(h)).dropna()
    return _interval("random_walk", target, float(obs.iloc[-1]), float(changes.var()), horizon=h)


def autoregression(vintage: pd.DataFrame, target_col: str, target: pd.Period, max_lags: int = 6,
                   start: pd.Period | None = None) -> Nowcast:
    """AR(p) by OLS with p in 1..max_lags chosen by BIC, forecast directly h months ahead
    (y_{t+h} on y_t .. y_{t-p+1}), so a missing middle month is not needed."""
    y = vintage[target_col]
    last, h = _last_published(y, target)
    if h == 0:
        raise ModelError(f"{target} of '{target_col}' is already published")
    s = y.loc[start:] if start is not None else y
    best = None
    for p in range(1, max_lags + 1):
        # a lag order whose lags are not all published (e.g. NBS's missing January) cannot be used
        if not all(np.isfinite(y.get(target - h - j, np.nan)) for j in range(p)):
            break
        lagged = pd.concat({f"l{j}": s.shift(h + j) for j in range(p)}, axis=1)
        data = pd.concat([s.rename("y"), lagged], axis=1).dropna()
        if len(data) < 3 * (p + 2):
            continue
        X = np.column_stack([np.ones(len(data)), data.iloc[:, 1:].to_numpy()])
        beta, s2, XtX_inv = _ols(X, data["y"].to_numpy())
        bic = len(data) * np.log(s2) + (p + 1) * np.log(len(data))
        if best is None or bic < best[0]:
            best = (bic, p, beta, s2, XtX_inv)
    if best is None:
        raise ModelError(f"'{target_col}' is too short for an autoregression, or has gaps in its last "
                         "published months")
    _, p, beta, s2, XtX_inv = best
    x0 = np.concatenate([[1.0], [y.loc[target - h - j] for j in range(p)]])
    return _interval("ar", target, float(x0 @ beta), s2 * (1.0 + x0 @ XtX_inv @ x0), lags=p, horizon=h)


def _standardise(frame: pd.DataFrame) -> pd.DataFrame:
    sd = frame.std()
    keep = sd[sd > 0].index
    return (frame[keep] - frame[keep].mean()) / sd[keep]


def factor(vintage: pd.DataFrame, target_col: str, target: pd.Period, n_factors: int = 3,
           start: pd.Period | None = None, min_coverage: float = 0.9) -> Nowcast:
    """Diffusion-index regression: y_T on principal components of the indicators that are published
    for month T (the balanced block at the ragged edge) and on the last published y (direct)."""
    y = vintage[target_col]
    last, h = _last_published(y, target)
    if h == 0:
        raise ModelError(f"{target} of '{target_col}' is already published")
    panel = vintage.drop(columns=[target_col]).loc[start:] if start is not None else \
        vintage.drop(columns=[target_col])
    at_target = panel.columns[panel.loc[target].notna().to_numpy()] if target in panel.index else []
    block = panel[list(at_target)]
    # indicators observed over most of the window; the rows where all of them are observed
    block = block.loc[:, block.notna().mean() >= min_coverage]
    block = block.dropna()
    if block.shape[1] == 0 or target not in block.index:
        raise ModelError(f"no indicator published for {target} at this information date")
    Zs = _standardise(block)
    U, S, Vt = np.linalg.svd(Zs.to_numpy(), full_matrices=False)
    r = max(1, min(n_factors, Zs.shape[1]))
    F = pd.DataFrame(U[:, :r] * S[:r], index=Zs.index, columns=[f"f{i + 1}" for i in range(r)])
    ylag = y.shift(h).rename("ylag")
    data = pd.concat([y.rename("y"), F, ylag], axis=1).loc[F.index]
    fit = data.drop(index=[target]).dropna()
    X = np.column_stack([np.ones(len(fit)), fit[F.columns].to_numpy(), fit["ylag"].to_numpy()])
    beta, s2, XtX_inv = _ols(X, fit["y"].to_numpy())
    x0 = np.concatenate([[1.0], F.loc[target].to_numpy(), [y.loc[target - h]]])
    if not np.all(np.isfinite(x0)):
        raise ModelError(f"'{target_col}' at {target - h} is missing")
    loadings = pd.Series(Vt[0], index=Zs.columns)
    top = loadings.abs().sort_values(ascending=False).index[:5]
    return _interval("factor", target, float(x0 @ beta), s2 * (1.0 + x0 @ XtX_inv @ x0),
                     indicators=int(Zs.shape[1]), factors=r, horizon=h, observations=int(len(fit)),
                     leading_indicators=";".join(map(str, top)))


RIDGE_PENALTIES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0)


def bridge(vintage: pd.DataFrame, target_col: str, target: pd.Period, ar_lags: int = 2,
           start: pd.Period | None = None, min_coverage: float = 0.95,
           penalties: tuple[float, ...] = RIDGE_PENALTIES, companions: Sequence[str] = (),
           anchors: Sequence[str] = (), anchor_history: bool = False) -> Nowcast:
    """Shrinkage bridge: y_T on every indicator published for month T, on the last ``ar_lags``
    published values of y and on the last published values of the target's release ``companions``
    (the series published with it: for US industrial production its market groups, manufacturing,
    utilities and capacity use, whose own dynamics, e.g. utilities falling back after a cold month,
    the aggregate's lags do not show), by ridge regression on standardised data with the penalty
    chosen by generalised cross-validation. With many correlated indicators (employment, hours,
    claims, prices, markets) ridge keeps them all and shrinks their weights, where a hand-picked
    bridge keeps a few. ``anchors`` are indicators left unpenalised (a prior that they matter, such
    as the labour input the Federal Reserve uses for its first IP estimates): OLS on the anchors,
    ridge on the rest, by partialling the anchors out (Frisch-Waugh) before the ridge. With
    ``anchor_history`` the target's own history (its lags and its companions) is left unpenalised as
    well, so that only the wide panel of other indicators is shrunk. The detail names the indicators
    that moved the nowcast most (beta_j * z_j)."""
    y = vintage[target_col]
    last, h = _last_published(y, target)
    if h == 0:
        raise ModelError(f"{target} of '{target_col}' is already published")
    X = vintage.drop(columns=[target_col])
    X = X.loc[start:] if start is not None else X
    if target not in X.index:
        raise ModelError(f"no indicator reaches {target}")
    X = X[X.columns[X.loc[target].notna().to_numpy()]]
    X = X.loc[:, X.loc[:target - 1].notna().mean() >= min_coverage]
    lags = {f"{target_col} lag {h + j}": y.shift(h + j) for j in range(ar_lags)
            if np.isfinite(y.get(target - h - j, np.nan))}
    # a companion enters at the target's last published month, h months back, like the target's lag
    lags.update({f"{c} lag {h}": vintage[c].shift(h) for c in companions
                 if c in vintage.columns and c != target_col and np.isfinite(vintage[c].get(target - h, np.nan))
                 and vintage[c].loc[start:target - h][y.loc[start:target - h].notna()].notna().mean()
                 >= min_coverage})  # coverage over the months the target has (NBS has no Januaries)
    X = pd.concat([X] + [v.reindex(X.index).rename(k) for k, v in lags.items()], axis=1)
    data = pd.concat([y.reindex(X.index).rename("__y__"), X], axis=1).loc[:target - 1].dropna()
    if len(data) < 24 or X.shape[1] == 0:
        raise ModelError(f"too little history to fit the bridge for {target} ({len(data)} complete months)")
    mu, sd = data.mean(), data.std().replace(0.0, 1.0)
    Z = (data - mu) / sd
    used = [c for c in anchors if c in X.columns]
    free = used + (list(lags) if anchor_history else [])
    X = X[free + [c for c in X.columns if c not in free]]  # anchors first: beta = [anchors, penalised]
    Zx, zy = Z[X.columns].to_numpy(), Z["__y__"].to_numpy()
    k = len(free)
    # partial the anchors out (with the constant: the data are centred, so it is only a check)
    A = np.column_stack([np.ones(len(zy)), Zx[:, :k]])
    A_pinv = np.linalg.pinv(A)
    if k:  # residuals of the penalised columns and of y on the unpenalised ones (no n x n projector)
        Rx, ry = Zx[:, k:] - A @ (A_pinv @ Zx[:, k:]), zy - A @ (A_pinv @ zy)
    else:
        Rx, ry = Zx, zy
    U, S, Vt = np.linalg.svd(Rx, full_matrices=False)
    Uty = U.T @ ry
    n = len(zy)
    best = None
    for lam in penalties:
        shrink = S ** 2 / (S ** 2 + lam)
        resid = ry - U @ (shrink * Uty)
        dof = shrink.sum() + k
        gcv = float(resid @ resid / n) / (1.0 - dof / n) ** 2
        if best is None or gcv < best[0]:
            best = (gcv, lam, float(resid @ resid) / max(n - dof, 1.0))
    _, lam, s2 = best
    beta_pen = Vt.T @ ((S / (S ** 2 + lam)) * Uty)
    beta_free = (A_pinv @ (zy - Zx[:, k:] @ beta_pen))[1:] if k else np.empty(0)
    beta = np.concatenate([beta_free, beta_pen])
    x0 = X.loc[target]
    z0 = ((x0 - mu[X.columns]) / sd[X.columns]).to_numpy(dtype=float)
    point = float(mu["__y__"] + sd["__y__"] * (z0 @ beta))
    # variance of a new observation: residual variance plus the coefficient uncertainty (the ridge
    # part's, and with anchors that of the anchors' OLS given the ridge part, a lower bound)
    cov_pen = s2 * (Vt.T * (S ** 2 / (S ** 2 + lam) ** 2)) @ Vt
    var_coef = float(z0[k:] @ cov_pen @ z0[k:])
    if k:
        var_coef += s2 * float(z0[:k] @ np.linalg.pinv(A.T @ A)[1:, 1:] @ z0[:k])
    var = sd["__y__"] ** 2 * (s2 + var_coef)
    pull = pd.Series(sd["__y__"] * beta * z0, index=X.columns)
    top = pull.abs().sort_values(ascending=False).index[:5]
    return _interval("bridge", target, point, var, indicators=int(X.shape[1]) - len(lags), penalty=lam,
                     companions=sum(not c.startswith(f"{target_col} lag") for c in lags),
                     anchors=";".join(used), unpenalised=len(free),
                     horizon=h, observations=int(n),
                     leading_indicators=";".join(f"{c}:{pull[c]:+.3f}" for c in top))


def small_bridge(vintage: pd.DataFrame, target_col: str, target: pd.Period, indicators: Sequence[str],
                 ar_lags: int = 2, start: pd.Period | None = None, robust: bool = False) -> Nowcast:
    """A hand-picked bridge: y_T on a few named indicators of month T and the last ``ar_lags``
    published values of y, by OLS, or with ``robust`` by Huber's M-estimator (statsmodels ``RLM``)
    so that a few extreme months (hurricanes, strikes) do not set the coefficients. For US
    industrial production the indicators are the aggregate hours worked in manufacturing and the
    initial claims, the labour input the Federal Reserve itself uses for its first IP estimates."""
    y = vintage[target_col]
    last, h = _last_published(y, target)
    if h == 0:
        raise ModelError(f"{target} of '{target_col}' is already published")
    missing = [c for c in indicators if c not in vintage.columns]
    if missing:
        raise ModelError(f"the vintage has no series {missing}")
    if target not in vintage.index:
        raise ModelError(f"no indicator reaches {target}")
    unpublished = [c for c in indicators if not np.isfinite(vintage.at[target, c])]
    if unpublished:
        raise ModelError(f"{', '.join(unpublished)} not yet published for {target}")
    X = vintage[list(indicators)].copy()
    for j in range(ar_lags):
        if np.isfinite(y.get(target - h - j, np.nan)):
            X[f"{target_col} lag {h + j}"] = y.shift(h + j)
    X = X.loc[start:] if start is not None else X
    data = pd.concat([y.rename("__y__"), X], axis=1).loc[X.index[0]:target - 1].dropna()
    A = np.column_stack([np.ones(len(data)), data[X.columns].to_numpy()])
    x0 = np.concatenate([[1.0], X.loc[target].to_numpy(dtype=float)])
    yy = data["__y__"].to_numpy()
    if robust:
        if len(yy) <= A.shape[1] + 2:
            raise ModelError(f"too few observations ({len(yy)}) for a regression with {A.shape[1]} coefficients")
        import statsmodels.api as sm

        res = sm.RLM(yy, A, M=sm.robust.norms.HuberT()).fit()
        beta, cov = np.asarray(res.params), np.asarray(res.cov_params())
        s2 = float(res.scale) ** 2
        var = s2 + float(x0 @ cov @ x0)
    else:
        beta, s2, XtX_inv = _ols(A, yy)
        var = s2 * (1.0 + x0 @ XtX_inv @ x0)
    return _interval("small_bridge", target, float(x0 @ beta), var, indicators=";".join(indicators),
                     robust=bool(robust), horizon=h, observations=int(len(yy)))


def combine(nowcasts: Sequence[Nowcast], name: str = "combination") -> Nowcast:
    """Equal-weight forecast combination: the mean of the members' nowcasts. Equal weights, not
    estimated ones (the "forecast combination puzzle": estimated weights rarely beat them out of
    sample). The interval uses the mean of the members' variances, an upper bound of the variance
    of the mean error (by Cauchy-Schwarz), so it errs on the wide side."""
    if not nowcasts:
        raise ModelError("nothing to combine")
    if len({n.period for n in nowcasts}) > 1:
        raise ModelError("the nowcasts to combine are for different months")
    point = float(np.mean([n.value for n in nowcasts]))
    var = float(np.mean([((n.upper - n.lower) / (2 * Z90)) ** 2 for n in nowcasts]))
    return _interval(name, pd.Period(nowcasts[0].period, "M"), point, var,
                     members=";".join(n.model for n in nowcasts))


def combination(members: Mapping[str, Callable[[pd.DataFrame, str, pd.Period], Nowcast]],
                name: str = "combination") -> Callable[[pd.DataFrame, str, pd.Period], Nowcast]:
    """A nowcaster that runs every member on the vintage and averages them (``combine``)."""
    def run(vintage: pd.DataFrame, target_col: str, target: pd.Period) -> Nowcast:
        return combine([fn(vintage, target_col, target) for fn in members.values()], name)
    return run


MODELS = {"random_walk": random_walk, "ar": autoregression, "factor": factor, "bridge": bridge}
