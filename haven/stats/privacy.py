"""What makes a published figure safe: small cells hidden, their complements, optional noise.

Every count under `THRESHOLD` is hidden ("<10"). A hidden cell must not be recoverable from
the totals a reader knows: the table's denominator, and in a two-way table the totals of each
row and column (which other figures may give away). For each such line the reader can bound
every hidden cell by what is shown; when a bound pins a hidden cell to one value, the smallest
cell still shown on that line is hidden too ("complementary suppression"), until nothing is
pinned. Complements are shown as "x", so a reader knows they are 10 or more; the bounds use
that knowledge.

Noise (optional, `HAVEN_STATS_EPSILON`): each published count gets two-sided geometric noise
(the discrete Laplace mechanism), integer-valued so that floating-point artefacts cannot leak
the true count. The noise for a cell is drawn from an HMAC of the query and the data version,
so asking the same question again gives the same answer: repeating a query cannot average the
noise away. A new data version draws new noise, and spends a new budget.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass

from django.conf import settings

THRESHOLD = 10
PRIMARY, COMPLEMENT = "small", "complement"
UNBOUNDED = 10**12


@dataclass(frozen=True)
class Line:
    """Cells whose total a reader knows: a partition sums to it, a union (multi-valued) covers it."""

    keys: tuple
    total: int
    partition: bool = True


def _bounds(line: Line, counts: dict, hidden: dict) -> dict:
    """The interval a reader can infer for each hidden cell of the line."""
    shown = sum(counts[key] for key in line.keys if key not in hidden)
    rest = line.total - shown
    limits = {
        key: (1, THRESHOLD - 1) if hidden[key] == PRIMARY else (THRESHOLD, UNBOUNDED)
        for key in line.keys
        if key in hidden
    }
    low_sum = sum(low for low, _ in limits.values())
    high_sum = sum(high for _, high in limits.values())
    bounds = {}
    for key, (low, high) in limits.items():
        lower = max(low, rest - (high_sum - high))
        # A partition's cells add up to its total; a multi-valued group's only cover it.
        upper = min(high, rest - (low_sum - low) if line.partition else line.total)
        bounds[key] = (lower, upper)
    return bounds


def pinned(line: Line, counts: dict, hidden: dict) -> list:
    return [key for key, (low, high) in _bounds(line, counts, hidden).items() if low >= high]


def protect(counts: dict, lines: list[Line]) -> dict:
    """{key: PRIMARY or COMPLEMENT} for the cells to hide; the rest can be shown."""
    hidden = {key: PRIMARY for key, count in counts.items() if count < THRESHOLD}
    changed = bool(hidden)
    while changed:
        changed = False
        for line in lines:
            if not any(key in hidden for key in line.keys) or not pinned(line, counts, hidden):
                continue
            candidates = [key for key in line.keys if key not in hidden]
            if candidates:
                smallest = min(candidates, key=lambda key: (counts[key], str(key)))
                hidden[smallest] = COMPLEMENT
                changed = True
    return hidden


def exposed(counts: dict, lines: list[Line], hidden: dict) -> list:
    """Hidden cells a reader could still work out (should be none once `protect` has run).

    Lines whose every cell is hidden are left out: their total is hidden with them.
    """
    result = []
    for line in lines:
        if all(key in hidden for key in line.keys):
            continue
        result += pinned(line, counts, hidden)
    return result


def epsilon() -> float | None:
    value = getattr(settings, "HAVEN_STATS_EPSILON", None)
    return value or None


def _uniform(*parts) -> float:
    """A number in (0, 1) that only someone holding the secret key could predict."""
    message = "\x1f".join(str(part) for part in parts).encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return (int.from_bytes(digest[:8], "big") + 0.5) / 2**64


def geometric_noise(scale_epsilon: float, *seed) -> int:
    """Two-sided geometric noise with P(k) proportional to exp(-epsilon * |k|)."""
    alpha = math.exp(-scale_epsilon)

    def one_sided(tag):
        # Inverse CDF of the geometric distribution on {0, 1, 2, ...} with ratio alpha.
        return math.floor(math.log(_uniform(*seed, tag)) / math.log(alpha))

    return one_sided("+") - one_sided("-")


def noisy(count: int, budget: float, sensitivity: int, *seed) -> int:
    return max(0, count + geometric_noise(budget / max(sensitivity, 1), *seed))
