"""`tts serve`: an HTTP server over one Voice, with the OpenAI and Coqui request forms (see app.py)."""
