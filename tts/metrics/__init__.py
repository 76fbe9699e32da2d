"""Objective measures of synthesized speech against references: spectral distance and quality."""
