"""Symbols read as words: "&" -> "and", "+" -> "plus", "@" -> "at", "%" -> "percent", "=" -> "equals",
"/" -> "slash", "#1" -> "number 1", "#tag" -> "hashtag tag", "5 - 3" -> "5 minus 3", "~5" -> "about 5",
"<5" -> "less than 5", "x^2" -> "x squared", "Node.js" -> "Node dot js", "snake_case" -> "snake
underscore case", and lone currency, degree, section and copyright signs.

Symbols with no reading here ("*" outside arithmetic, "|", "`", "μ" on its own) are left for the
final filter, which drops and reports them. Runs like "=====" are dropped earlier as decoration.
"""

import re

WORD_FOR = {
    "&": "and", "+": "plus", "@": "at", "%": "percent", "=": "equals", "/": "slash", "\\": "backslash",
    "×": "times", "÷": "divided by", "±": "plus or minus", "≈": "approximately", "≠": "not equal to",
    "≤": "less than or equal to", "≥": "greater than or equal to", "§": "section", "¶": "paragraph",
    "©": "copyright", "®": "registered", "°": "degrees", "‰": "per mille", "$": "dollars",
    "£": "pounds", "€": "euros", "¥": "yen", "₹": "rupees", "¢": "cents",
}  # fmt: skip
OPERATOR_WORDS = {
    "<=": "less than or equal to", ">=": "greater than or equal to", "!=": "not equal to", "==": "equals",
    "<": "less than", ">": "greater than", "~": "about", "*": "times",
}  # fmt: skip

_SPACED_MINUS = re.compile(r"(?<=[0-9]) - (?=[0-9])")
# "<", ">" and "~" only before a number ("<b>" is markup); "*" only between numbers.
_OPERATOR = re.compile(r"(?P<op><=|>=|!=|==|<|>|~) ?(?=-?[0-9])|(?<=[0-9]) ?(?P<times>\*) ?(?=[0-9])")
_POWER = re.compile(r"\^(?P<exponent>[23](?![0-9]))?")
_HASH = re.compile(r"#(?=(?P<digit>[0-9])|(?P<letter>[A-Za-z]))?")
_DOT_IN_NAME = re.compile(r"(?<=[A-Za-z])\.(?=[a-z])")
_UNDERSCORE_IN_NAME = re.compile(r"(?<=[A-Za-z0-9])_(?=[A-Za-z0-9])")
_SINGLE = re.compile("[" + re.escape("".join(WORD_FOR)) + "]")


def expand_symbols(text):
    text = _SPACED_MINUS.sub(" minus ", text)
    text = _OPERATOR.sub(lambda m: f" {OPERATOR_WORDS[m.group('op') or m.group('times')]} ", text)
    text = _POWER.sub(_say_power, text)
    text = _HASH.sub(_say_hash, text)
    text = _DOT_IN_NAME.sub(" dot ", text)
    text = _UNDERSCORE_IN_NAME.sub(" underscore ", text)
    return _SINGLE.sub(lambda m: f" {WORD_FOR[m.group()]} ", text)


def _say_power(match):
    exponent = match.group("exponent")
    if exponent:
        return " squared" if exponent == "2" else " cubed"
    return " to the power of "


def _say_hash(match):
    if match.group("digit"):
        return "number "
    return "hashtag " if match.group("letter") else " hash "
