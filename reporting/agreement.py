"""How far two raters agree on the same items: percentage agreement and Cohen's kappa.

Pure functions over pairs of ratings, so they can be checked against published worked examples.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Agreement:
    """Two raters' agreement over `rated` items. `kappa` is None only when nothing was rated."""

    rated: int
    agreed: int
    kappa: float | None
    chance: float | None  # the agreement expected by chance, p_e

    @property
    def percent(self) -> float | None:
        return 100 * self.agreed / self.rated if self.rated else None

    @property
    def chance_is_certain(self) -> bool:
        """Both raters gave every item the same one rating: kappa cannot measure anything."""
        return self.chance == 1


def agreement(pairs: Iterable[tuple[str, str]], categories: Sequence[str]) -> Agreement:
    """Percentage agreement and Cohen's kappa of (first, second) ratings.

    kappa = (p_o - p_e) / (1 - p_e), where p_o is the share of items rated alike and p_e the
    share expected alike by chance: the sum over categories of the two raters' shares of that
    category multiplied. When p_e is 1 (both raters used one and the same category for every
    item) the formula is 0 / 0; the raters then agree on every item, so kappa is defined as 1.
    A rating outside `categories` is refused rather than silently counted.
    """
    pairs = list(pairs)
    known = set(categories)
    for first, second in pairs:
        if first not in known or second not in known:
            raise ValueError(f"Not a rating category: {first if first not in known else second}")
    n = len(pairs)
    if n == 0:
        return Agreement(rated=0, agreed=0, kappa=None, chance=None)
    agreed = sum(1 for first, second in pairs if first == second)
    firsts = Counter(first for first, _ in pairs)
    seconds = Counter(second for _, second in pairs)
    observed = Fraction(agreed, n)
    chance = sum(
        (Fraction(firsts[c], n) * Fraction(seconds[c], n) for c in categories), Fraction(0)
    )
    kappa = Fraction(1) if chance == 1 else (observed - chance) / (1 - chance)
    return Agreement(rated=n, agreed=agreed, kappa=float(kappa), chance=float(chance))
