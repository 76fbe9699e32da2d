"""Objective measures of synthesized speech: against references (spectral distance, PESQ, STOI) and
without them (intelligibility by ASR, DNSMOS)."""
