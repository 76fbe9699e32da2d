"""Units after a number: "5 km" -> "five kilometers", "1 km" -> "one kilometer", "12.5%" -> "twelve
point five percent", "-5 °C" -> "minus five degrees Celsius", "10-20 kg" -> "ten to twenty kilograms",
"3 m²" -> "three square meters", "6'2\"" -> "six feet two inches".

Singular only for exactly 1 ("1.0 km" and "0.5 km" take the plural). Symbols are case-sensitive
("MB" is megabytes; "mb" is left alone). "in" is inches only when it is attached ("5in") or when
a dimension word, "x"/"by", punctuation or the end follows ("it's 5 in long"); "5 in the box" keeps
the word. "1920x1080" reads "by". Money runs before this pass, so "$5m" is millions, not meters.
"""

import re

from frontends.normalize.numbers import NUMBER, SIGNED_NUMBER, is_exactly_one, say_number

_LENGTHS = {
    "mm": ("millimeter", "millimeters"), "cm": ("centimeter", "centimeters"), "m": ("meter", "meters"),
    "km": ("kilometer", "kilometers"), "μm": ("micrometer", "micrometers"), "nm": ("nanometer", "nanometers"),
    "ft": ("foot", "feet"), "in": ("inch", "inches"), "yd": ("yard", "yards"), "mi": ("mile", "miles"),
}  # fmt: skip
UNITS = {
    **_LENGTHS,
    **{f"{symbol}^2": (f"square {one}", f"square {many}") for symbol, (one, many) in _LENGTHS.items()},
    **{f"{symbol}^3": (f"cubic {one}", f"cubic {many}") for symbol, (one, many) in _LENGTHS.items()},
    "sq ft": ("square foot", "square feet"), "sq. ft.": ("square foot", "square feet"),
    "mg": ("milligram", "milligrams"), "g": ("gram", "grams"), "kg": ("kilogram", "kilograms"),
    "μg": ("microgram", "micrograms"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"), "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"),
    "l": ("liter", "liters"), "L": ("liter", "liters"), "gal": ("gallon", "gallons"),
    "km/h": ("kilometer per hour", "kilometers per hour"), "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"), "m/s": ("meter per second", "meters per second"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"), "%": ("percent", "percent"), "‰": ("per mille", "per mille"),
    "kB": ("kilobyte", "kilobytes"), "KB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"),
    "Mbps": ("megabit per second", "megabits per second"), "Gbps": ("gigabit per second", "gigabits per second"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"), "ns": ("nanosecond", "nanoseconds"), "μs": ("microsecond", "microseconds"),
    "ms": ("millisecond", "milliseconds"), "s": ("second", "seconds"), "sec": ("second", "seconds"),
    "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
    "h": ("hour", "hours"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "V": ("volt", "volts"), "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"), "mAh": ("milliamp hour", "milliamp hours"),
    "′": ("foot", "feet"), "′′": ("inch", "inches"),
}  # fmt: skip
# Longest first, so "km/h" wins over "km" and "°C" over "°".
_UNIT_ALTERNATION = "|".join(re.escape(symbol) for symbol in sorted(UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![A-Za-z0-9.,])(?:(?P<low>{SIGNED_NUMBER}) ?(?:-|–|to) ?)?(?P<amount>{SIGNED_NUMBER})"
    rf"(?P<space> ?)(?P<unit>{_UNIT_ALTERNATION})(?![A-Za-z0-9])"
)
_INCHES_FOLLOW = re.compile(
    r" ?(?:$|[.,;:!?)\"']|(?:long|wide|tall|high|deep|thick|across|diameter|x|by|×)(?![A-Za-z]))"
)
_FEET_AND_INCHES = re.compile(r"(?<![A-Za-z0-9.,])(?P<feet>[0-9]{1,2})' ?(?P<inches>[0-9]{1,2}(?:\.[0-9]+)?)\"")
_DIMENSIONS = re.compile(rf"(?<=[0-9]) ?x ?(?={NUMBER})")  # "×" is "times" (symbols)


def expand_units(text):
    text = _FEET_AND_INCHES.sub(_say_feet_and_inches, text)
    text = _DIMENSIONS.sub(" by ", text)
    return _QUANTITY.sub(_say_quantity, text)


def _say_quantity(match):
    unit = match.group("unit")
    if unit == "in" and match.group("space") and not _INCHES_FOLLOW.match(match.string, match.end()):
        return match.group()
    low, amount = match.group("low"), match.group("amount")
    said = f"{say_number(amount)} {UNITS[unit][1] if low else _inflect(unit, amount)}"
    return f"{say_number(low)} to {said}" if low else said


def _say_feet_and_inches(match):
    feet, inches = match.group("feet"), match.group("inches")
    return f"{say_number(feet)} {_inflect('ft', feet)} {say_number(inches)} {_inflect('in', inches)}"


def _inflect(unit, amount):
    singular, plural = UNITS[unit]
    return singular if is_exactly_one(amount) else plural
