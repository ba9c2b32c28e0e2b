"""The portfolio loss model: the one-factor (Vasicek) closed form and the Monte Carlo with
industry factors, on arrays of loss given default in amount (lgd_amt = EAD × LGD), PD and asset correlation.

Definitions: docs/definitions.md (expected loss and portfolio loss). Sources: the
asset correlation of corporates follows the Basel II IRB formula (BCBS, "International
Convergence of Capital Measurement and Capital Standards", 2006, paragraph 272); the
closed-form quantile is Vasicek's limiting loss distribution (Vasicek, "The Distribution
of Loan Portfolio Value", Risk, 2002).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr, ndtri

from analytics.formats import fmt_int
from analytics.i18n import N_, _

CLOSED_FORM, MONTE_CARLO = N_("closed form"), N_("Monte Carlo")  # LossDistribution.method: shown through _()
QUANTILES = (0.99, 0.999)
ES_NODES, ES_WEIGHTS = np.polynomial.legendre.leggauss(48)  # Gauss-Legendre nodes for the expected shortfall


class Cancelled(Exception):
    """A run stopped because nobody wants its result any more (see analytics.app.jobs)."""



def corporate_correlation(pd: np.ndarray) -> np.ndarray:
    """Basel corporate asset correlation: 0.12 w + 0.24 (1 - w), w = (1 - e^-50PD) / (1 - e^-50)."""
    w = (1 - np.exp(-50 * pd)) / (1 - np.exp(-50))
    return 0.12 * w + 0.24 * (1 - w)


def correlations(pd: np.ndarray, asset_correlation: float | None) -> np.ndarray:
    return corporate_correlation(pd) if asset_correlation is None else np.full(pd.shape, float(asset_correlation))


def conditional_pd(pd: np.ndarray, rho: np.ndarray, factor: np.ndarray | float) -> np.ndarray:
    """PD given the systematic factor Z: Φ((Φ⁻¹(PD) − √ρ Z) / √(1 − ρ)); PD 0 and 1 stay put."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = ndtr((ndtri(pd) - np.sqrt(rho) * factor) / np.sqrt(1 - rho))
    return np.where(pd >= 1, 1.0, np.where(pd <= 0, 0.0, out))


def _grouped(lgd_amt: np.ndarray, pd: np.ndarray, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum lgd_amt over identical (PD, ρ) pairs: the closed form needs one term per pair."""
    keys = np.stack([pd, rho], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    return np.bincount(inverse.ravel(), weights=lgd_amt, minlength=len(uniq)), uniq[:, 0], uniq[:, 1]


def vasicek_quantile(lgd_amt: np.ndarray, pd: np.ndarray, rho: np.ndarray, alpha: float) -> float:
    """α-quantile of loss of a large fine-grained portfolio (lgd_amt = EAD × LGD):
    Σ lgd_amt · Φ((Φ⁻¹(PD) + √ρ Φ⁻¹(α)) / √(1 − ρ))."""
    w, p, r = _grouped(lgd_amt, pd, rho)
    return float(np.sum(w * conditional_pd(p, r, -ndtri(alpha))))


def vasicek_shortfall(lgd_amt: np.ndarray, pd: np.ndarray, rho: np.ndarray, alpha: float) -> float:
    """Expected shortfall beyond the α-quantile in the same model: the mean of the
    u-quantiles over u in (α, 1), by Gauss-Legendre quadrature."""
    w, p, r = _grouped(lgd_amt, pd, rho)
    u = alpha + (1 - alpha) * (ES_NODES + 1) / 2
    losses = (w[None, :] * conditional_pd(p[None, :], r[None, :], -ndtri(u)[:, None])).sum(axis=1)
    return float(np.sum(ES_WEIGHTS * losses) / 2)


@dataclass(frozen=True)
class LossDistribution:
    """Loss quantiles, VaR and ES at QUANTILES; method CLOSED_FORM or MONTE_CARLO (machine values)."""

    method: str
    expected_loss: float
    quantiles: dict[float, float]
    shortfalls: dict[float, float]
    simulations: int = 0
    histogram: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())  # bin edges, frequencies (MC only)
    quantile_error: dict[float, float] | None = None  # half-width of a 95 % interval (MC only)

    def as_dict(self) -> dict[str, float]:
        out = {"expected_loss_amt": self.expected_loss}
        for a in QUANTILES:
            t = tag(a)
            out[f"loss_quantile_{t}_amt"] = self.quantiles[a]
            out[f"credit_var_{t}_amt"] = self.quantiles[a] - self.expected_loss
            out[f"expected_shortfall_{t}_amt"] = self.shortfalls[a]
        return out


def tag(alpha: float) -> str:
    return f"{alpha * 100:g}".replace(".", "_")


def closed_form(lgd_amt: np.ndarray, pd: np.ndarray, asset_correlation: float | None) -> LossDistribution:
    """Expected loss and the fine-grained one-factor quantiles and ES. ρ depends on PD only,
    so the terms are summed per distinct PD first (a handful of grades, not 100k names)."""
    pds, inverse = np.unique(pd, return_inverse=True)
    weights = np.bincount(inverse.ravel(), weights=lgd_amt, minlength=pds.size)
    rho = correlations(pds, asset_correlation)
    el = float(np.sum(lgd_amt * pd))
    return LossDistribution(CLOSED_FORM, el, {a: vasicek_quantile(weights, pds, rho, a) for a in QUANTILES},
                            {a: vasicek_shortfall(weights, pds, rho, a) for a in QUANTILES})


def simulate_losses(lgd_amt: np.ndarray, pd: np.ndarray, rho: np.ndarray, sector: np.ndarray,
                    sector_correlation: float, simulations: int, seed: int, individual_names: int,
                    chunk: int = 1_000, cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    """Portfolio losses in `simulations` years. Sector factors Y_s = √ω Z + √(1−ω) η_s
    (ω = sector_correlation); a customer defaults when √ρ Y_s + √(1−ρ) ε < Φ⁻¹(PD). The
    `individual_names` largest exposures default one by one; every other name enters with
    its expected loss given its sector factor (its own noise diversifies away).
    `cancelled` is asked between chunks of `chunk` years; when it says so the run stops
    (raises analytics.app.jobs.Cancelled)."""
    rng = np.random.default_rng(seed)
    live = (lgd_amt > 0) & (pd > 0)
    lgd_amt, pd, rho, sector = lgd_amt[live], pd[live], rho[live], sector[live]
    n_sectors = int(sector.max()) + 1 if sector.size else 1
    order = np.argsort(-lgd_amt, kind="stable")
    big = order[:individual_names]
    rest = order[individual_names:]
    w_rest, p_rest, r_rest, s_rest = _group_rest(lgd_amt[rest], pd[rest], rho[rest], sector[rest])
    e_big, p_big, r_big, s_big = lgd_amt[big], pd[big], rho[big], sector[big]
    thr_big = ndtri(np.clip(p_big, 1e-300, 1.0))
    sq_big, sd_big = np.sqrt(r_big), np.sqrt(1 - r_big)
    losses = np.empty(simulations)
    omega = float(sector_correlation)
    for start in range(0, simulations, chunk):
        if cancelled is not None and cancelled():
            raise Cancelled(_("Monte Carlo stopped after {done} of {total} years").format(
                done=fmt_int(start), total=fmt_int(simulations)))
        m = min(chunk, simulations - start)
        z = rng.standard_normal((m, 1))
        eta = rng.standard_normal((m, n_sectors))
        y = np.sqrt(omega) * z + np.sqrt(1 - omega) * eta
        total = np.zeros(m)
        if e_big.size:
            eps = rng.standard_normal((m, e_big.size))
            defaulted = (sq_big * y[:, s_big] + sd_big * eps) < thr_big
            total += defaulted.astype(np.float64) @ e_big
        if w_rest.size:
            total += conditional_pd(p_rest[None, :], r_rest[None, :], y[:, s_rest]) @ w_rest
        losses[start:start + m] = total
    return losses


def _group_rest(lgd_amt: np.ndarray, pd: np.ndarray, rho: np.ndarray,
                sector: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if lgd_amt.size == 0:
        return lgd_amt, pd, rho, sector
    keys = np.stack([pd, rho, sector.astype(np.float64)], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    weights = np.bincount(inverse.ravel(), weights=lgd_amt, minlength=len(uniq))
    return weights, uniq[:, 0], uniq[:, 1], uniq[:, 2].astype(np.int64)


def monte_carlo(lgd_amt: np.ndarray, pd: np.ndarray, rho: np.ndarray, sector: np.ndarray,
                sector_correlation: float, simulations: int, seed: int, individual_names: int,
                cancelled: Callable[[], bool] | None = None) -> LossDistribution:
    """Quantiles (order statistics), ES (mean of the losses at or beyond the quantile) and a
    95 % interval half-width for each quantile from the binomial order-statistic bounds."""
    losses = np.sort(simulate_losses(lgd_amt, pd, rho, sector, sector_correlation, simulations, seed,
                                     individual_names, cancelled=cancelled))
    n = losses.size
    quantiles, shortfalls, errors = {}, {}, {}
    for a in QUANTILES:
        k = min(n - 1, int(np.ceil(a * n)) - 1)
        quantiles[a] = float(losses[k])
        shortfalls[a] = float(losses[k:].mean())
        spread = 1.96 * np.sqrt(n * a * (1 - a))
        lo, hi = max(0, int(np.floor(k - spread))), min(n - 1, int(np.ceil(k + spread)))
        errors[a] = float(max(losses[hi] - losses[k], losses[k] - losses[lo]))
    counts, edges = np.histogram(losses, bins=60)
    return LossDistribution(MONTE_CARLO, float(np.sum(lgd_amt * pd)), quantiles, shortfalls, n,
                            (tuple(edges.tolist()), tuple((counts / n).tolist())), errors)


