"""Keyed controlled rounding to base 5: counts a donor can read but not subtract back.

Every published count is the multiple of 5 just below or just above the true
count (a multiple of 5 itself, 0 included, stays as it is), so a published
figure p only says «the true count is between p − 4 and p + 4». Rounding each
cell on its own is not enough: the totals and the other tables say how the
cells add up, and a cell whose neighbours all sit at the edge of their ranges
could then be worked out exactly. So the rounding is *controlled*: the
published cells of a table add up exactly to its published total, and every
table that splits the same forms shares one published total. Then every
value of every cell's range stays possible (docs/reports.md proves it in a few
lines; tests/reports/test_donor_attack.py tries it as an attacker).

Up or down is drawn at random, up with probability remainder ÷ 5 (so the
rounding is unbiased), from a keyed hash of the cell's name and its true
count: the same figures are always published the same way, so downloading
again or choosing another period with the same figures gives the attacker no
second draw to average; where a total needs some of its parts rounded the
other way, the parts least sure of their own direction give way, so a cell
mostly keeps its direction from one period to the next.
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

BASE = 5


@dataclass
class Node:
    """A count and the counts that split it exactly (children add up to value)."""

    key: str
    value: int
    children: list["Node"] = field(default_factory=list)


def _secret() -> bytes:
    # Derived, so that the key used here is never the one that signs sessions.
    return hmac.new(settings.SECRET_KEY.encode(), b"hotline donor rounding", "sha256").digest()


class Rounder:
    def __init__(self, secret: bytes | None = None) -> None:
        self.secret = secret if secret is not None else _secret()

    def _draw(self, key: str, value: int) -> float:
        """A number in [0, 1) fixed by the cell and its true count."""
        digest = hmac.new(self.secret, f"{key}\x00{value}".encode(), hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def _goes_up(self, key: str, value: int) -> float:
        """Below 1: this cell rounds up when rounded on its own; the smaller, the surer."""
        remainder = value % BASE
        return self._draw(key, value) / (remainder / BASE)

    def single(self, key: str, value: int) -> int:
        """One count on its own: the multiple of 5 below or above it."""
        floor = value - value % BASE
        if value % BASE == 0:
            return value
        return floor + BASE if self._goes_up(key, value) < 1 else floor

    def split(self, cells: Sequence[tuple[str, int]], target: int) -> list[int]:
        """Round every cell to a neighbouring multiple of 5 so that they add up to `target`.

        `target` must be one of the two multiples of 5 next to the cells' true sum
        (always possible: the remainders add up to the distance from the floors).
        The cells that round up are those surest to round up on their own, so
        a cell mostly keeps the direction it has in any other period.
        """
        floors = [value - value % BASE for _key, value in cells]
        ups, left = divmod(target - sum(floors), BASE)
        candidates = [i for i, (_key, value) in enumerate(cells) if value % BASE]
        if left or not 0 <= ups <= len(candidates):
            raise ValueError(f"{target} is not a rounding of the sum of {list(cells)}")
        order = sorted(candidates, key=lambda i: self._goes_up(*cells[i]))
        chosen = set(order[:ups])
        return [floor + (BASE if i in chosen else 0) for i, floor in enumerate(floors)]

    def tree(self, node: Node, published: int | None = None) -> dict[str, int]:
        """Published values of a node and everything below it, each level adding up."""
        value = self.single(node.key, node.value) if published is None else published
        result = {node.key: value}
        if node.children:
            cells = [(child.key, child.value) for child in node.children]
            for child, child_value in zip(node.children, self.split(cells, value), strict=True):
                result.update(self.tree(child, child_value))
        return result


def published_range(published: int) -> tuple[int, int]:
    """What a published count says about the true one (both ends possible)."""
    if published == 0:
        return 0, BASE - 1
    return max(1, published - (BASE - 1)), published + BASE - 1
