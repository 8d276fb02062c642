"""What keeping the line working through power cuts costs, per option
(docs/power-outage-plan.uk.md). The administrator enters today's prices on
«Налаштування → План на випадок відключень»; nothing is stored.

The mobile data a call needs comes from a call measured through Asterisk
(tests/e2e/bench_call_bandwidth.py, docs/benchmarks/call-bandwidth.json):
both directions together, IPv4 and UDP headers included.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Bytes per minute of talk, both directions, measured on 2026-12-01.
OPUS_BYTES_PER_MINUTE = 331_016 + 404_542
G711_BYTES_PER_MINUTE = 598_483 * 2
# Registration, keep-alives and qualify of an idle SIP app: a few hundred bytes
# a minute; counted generously as 0.1 MB a day.
IDLE_BYTES_PER_DAY = 100_000

MB = 1_000_000


@dataclass(frozen=True)
class Prices:
    consultants: int
    months: int
    minutes_per_month: int  # talk minutes of the whole line while the power is off
    smartphone: Decimal  # one, suitable for a SIP app (bought only if needed)
    smartphones_to_buy: int
    sim_card: Decimal
    data_package_per_month: Decimal  # one SIM's package with mobile internet
    minute_to_mobile: Decimal  # what a trunk charges per minute to a mobile number
    voice_package_per_month: Decimal  # per consultant's SIM, if their calls are paid
    power_station: Decimal  # one UPS or power station for a home router


@dataclass(frozen=True)
class OptionCost:
    name: str
    one_off: Decimal
    monthly: Decimal

    def total(self, months: int) -> Decimal:
        return _money(self.one_off + self.monthly * months)


@dataclass(frozen=True)
class Plan:
    options: tuple[OptionCost, ...]
    months: int
    opus_mb_per_consultant_month: Decimal
    g711_mb_per_consultant_month: Decimal

    def totals(self) -> dict[str, Decimal]:
        return {option.name: option.total(self.months) for option in self.options}


def data_mb_per_month(bytes_per_minute: int, minutes: int, days: int = 30) -> Decimal:
    """Mobile data one consultant's SIP app uses in a month of `minutes` of talk."""
    total = bytes_per_minute * minutes + IDLE_BYTES_PER_DAY * days
    return (Decimal(total) / MB).quantize(Decimal("0.1"), ROUND_HALF_UP)


def plan(prices: Prices) -> Plan:
    n = prices.consultants
    minutes_each = -(-prices.minutes_per_month // n) if n else 0  # the line's minutes shared out
    sip_app = OptionCost(
        "sip_app",
        one_off=prices.smartphone * prices.smartphones_to_buy + prices.sim_card * n,
        monthly=prices.data_package_per_month * n,
    )
    mobile_numbers = OptionCost(
        "mobile_numbers",
        one_off=Decimal(0),
        monthly=prices.minute_to_mobile * prices.minutes_per_month
        + prices.voice_package_per_month * n,
    )
    power = OptionCost("power_station", one_off=prices.power_station * n, monthly=Decimal(0))
    return Plan(
        options=(sip_app, mobile_numbers, power),
        months=prices.months,
        opus_mb_per_consultant_month=data_mb_per_month(OPUS_BYTES_PER_MINUTE, minutes_each),
        g711_mb_per_consultant_month=data_mb_per_month(G711_BYTES_PER_MINUTE, minutes_each),
    )


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)
