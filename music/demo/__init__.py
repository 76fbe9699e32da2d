"""The `tts demo` page's "Music (notes)" tab (a `tts.demo_tabs` entry point): compose with a note model, hear it."""
