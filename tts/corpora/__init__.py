"""Speech corpora: readers for real layouts, the manifest, preflight checks and the bootstrap builder."""
