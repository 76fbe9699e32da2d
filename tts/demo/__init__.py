"""The Gradio demo behind `tts demo`: a thin page over tts.voice.Voice.

app.py builds and serves the page, handler.py turns one request into audio and pictures, plots.py
draws them, defaults.py holds the limits (importable without Gradio, for the CLI's --help).
"""
