"""The statistics of the trend analysis, written here so that the add-on needs
no scientific library: Welch's t-test (one-sided, for a decline) and Holm's
step-down correction when many cells are tested at once."""

import math


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-12:
            break
    return h


def regularized_beta(a, b, x):
    """I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def student_t_cdf(t, df):
    """P(T <= t) for Student's t with ``df`` degrees of freedom (df may be a
    fraction, as Welch's is)."""
    x = df / (df + t * t)
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, x)
    return tail if t < 0 else 1.0 - tail


def welch_decline_p(n1, mean1, var1, n2, mean2, var2):
    """One-sided p-value that the second sample's mean is lower than the
    first's (a decline from period 1 to period 2), by Welch's t-test, which
    does not assume equal variances. Needs at least two answers on each side."""
    if n1 < 2 or n2 < 2:
        return None
    se2 = var1 / n1 + var2 / n2
    diff = mean2 - mean1
    if se2 <= 0.0:
        # every answer the same on both sides: a difference is certain
        return 0.0 if diff < 0 else 1.0
    t = diff / math.sqrt(se2)
    denominator = (var1 / n1) ** 2 / (n1 - 1) + (var2 / n2) ** 2 / (n2 - 1)
    df = se2 * se2 / denominator if denominator else float(n1 + n2 - 2)
    return student_t_cdf(t, df)


def holm(p_values):
    """Holm's step-down adjusted p-values, in the order given (None stays None):
    the family-wise error stays at alpha however many cells are tested."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
