"""Money: $ £ € ¥ ₹ before the amount, USD/GBP/EUR/JPY/INR codes before or after it, 50p and 5¢.

"$1.50" -> "one dollar and fifty cents", "£3.05" -> "three pounds and five pence", "$0.99" ->
"ninety-nine cents", "£1" -> "one pound", "$1 million" -> "one million dollars", "$2.5bn" -> "two
point five billion dollars", "$5-10" -> "five to ten dollars", "-$5" -> "minus five dollars".
One or two decimals are cents; more ("$1.505") read as a decimal amount.
"""

import re
from typing import NamedTuple

from frontends.normalize.numbers import NUMBER, is_exactly_one, say_cardinal, say_number


class Currency(NamedTuple):
    unit: str
    units: str
    subunit: str = ""
    subunits: str = ""


DOLLAR = Currency("dollar", "dollars", "cent", "cents")
POUND = Currency("pound", "pounds", "penny", "pence")
EURO = Currency("euro", "euros", "cent", "cents")
YEN = Currency("yen", "yen")
RUPEE = Currency("rupee", "rupees", "paisa", "paise")
CURRENCY_OF = {
    "$": DOLLAR, "US$": DOLLAR, "USD": DOLLAR, "£": POUND, "GBP": POUND, "€": EURO, "EUR": EURO,
    "¥": YEN, "JPY": YEN, "₹": RUPEE, "INR": RUPEE,
}  # fmt: skip
SCALE_WORDS = {
    "thousand": "thousand", "k": "thousand", "K": "thousand",
    "million": "million", "m": "million", "M": "million", "mn": "million",
    "billion": "billion", "b": "billion", "B": "billion", "bn": "billion",
    "trillion": "trillion", "tn": "trillion",
}  # fmt: skip

_SCALE = (
    r"(?:(?P<scale>k|K|m|M|b|B|mn|bn|tn)|[ ](?P<scale_word>thousand|million|billion|trillion|mn|bn|tn))"
    r"(?![A-Za-z])"
)
_AMOUNT = rf"(?P<amount>{NUMBER})(?:(?:-|–)(?P<high>{NUMBER}))?(?:{_SCALE})?"
_CODE = "USD|GBP|EUR|JPY|INR"
_SIGN_FIRST = re.compile(
    rf"(?<![A-Za-z0-9])(?P<minus>-)?(?:(?P<symbol>US\$|[$£€¥₹]) ?|(?P<code>{_CODE}) ){_AMOUNT}(?![0-9])"
)
_CODE_AFTER = re.compile(rf"(?<![A-Za-z0-9.,])(?P<minus>-)?{_AMOUNT} ?(?P<code>{_CODE})(?![A-Za-z])")
_SMALL_CHANGE = re.compile(r"(?<![A-Za-z0-9.,])(?P<amount>[0-9]{1,3})(?P<sign>p|¢)(?![A-Za-z0-9])")


def expand_money(text):
    text = _SIGN_FIRST.sub(_say_money, text)
    text = _CODE_AFTER.sub(_say_money, text)
    return _SMALL_CHANGE.sub(_say_small_change, text)


def _say_money(match):
    currency = CURRENCY_OF[match.group("code") or match.group("symbol")]
    minus = "minus " if match.group("minus") else ""
    amount, high = match.group("amount"), match.group("high")
    scale = match.group("scale") or match.group("scale_word")
    if scale:
        upper = f" to {say_number(high)}" if high else ""
        return f"{minus}{say_number(amount)}{upper} {SCALE_WORDS[scale]} {currency.units}"
    if high:
        return f"{minus}{say_number(amount)} to {say_number(high)} {currency.units}"
    return minus + say_amount(amount, currency)


def say_amount(written, currency):
    """"1.50" in dollars -> "one dollar and fifty cents"."""
    whole, _, decimals = written.replace(",", "").partition(".")
    if not currency.subunit or len(decimals) > 2:
        return f"{say_number(written)} {currency.unit if is_exactly_one(written) else currency.units}"
    cents = int(decimals.ljust(2, "0")) if decimals else 0
    parts = []
    if int(whole) or not cents:
        parts.append(f"{say_number(whole)} {currency.unit if whole == '1' else currency.units}")
    if cents:
        parts.append(f"{say_cardinal(cents)} {currency.subunit if cents == 1 else currency.subunits}")
    return " and ".join(parts)


def _say_small_change(match):
    amount = int(match.group("amount"))
    currency = POUND if match.group("sign") == "p" else DOLLAR
    return f"{say_cardinal(amount)} {currency.subunit if amount == 1 else currency.subunits}"
