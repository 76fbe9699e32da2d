"""Concatenative unit selection: half-phone units cut from one speaker's aligned recordings.

units.py cuts utterances into half-phones and measures them; database.py builds, saves and loads
the unit database; costs.py and select.py choose one unit per target (Viterbi over target and join
costs); backoff.py stands in for unit types the database lacks; join.py crossfades the chosen
units; psola.py bends them to the target durations and F0; vocoder.py is the plugin.
"""
