"""The JSON report an evaluation writes (the ids it scores come from tts.corpora.holdout.read_held_out_ids)."""

import json

from tts.atomic import write_text_atomic


def write_report(path, report):
    """`report` as indented JSON, written atomically; texts and transcripts keep their characters."""
    write_text_atomic(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
