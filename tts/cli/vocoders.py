"""`tts vocoders`: list the installed vocoder plugins with what they need."""

import sys
import warnings

from tts.registry import PluginWarning, installed_vocoders


def register(subparsers):
    parser = subparsers.add_parser("vocoders", help="list installed vocoders and the fields they need")
    parser.set_defaults(func=run)


def run(args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PluginWarning)
        vocoders = installed_vocoders()
    rows = [(name, ", ".join(cls.needs) or "-", cls.__module__) for name, cls in sorted(vocoders.items())]
    width = max([len("name")] + [len(row[0]) for row in rows])
    needs_width = max([len("needs")] + [len(row[1]) for row in rows])
    print(f"{'name':<{width}}  {'needs':<{needs_width}}  module")
    for name, needs, module in rows:
        print(f"{name:<{width}}  {needs:<{needs_width}}  {module}")
    if not rows:
        print("(no vocoders installed)")
    for warning in caught:
        if issubclass(warning.category, PluginWarning):
            print(f"warning: {warning.message}", file=sys.stderr)
    return 0
