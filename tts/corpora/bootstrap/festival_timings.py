"""Festival synthesis with its own word timings, kept as reference alignments for a future aligner.

Festival knows where each word is because it generated the segment durations: a word starts where
its first segment starts and ends where its last segment ends (Word -> SylStructure -> Segment).
Times are in seconds from the start of the wave festival wrote; `shift` moves them onto a trimmed file.
"""

import subprocess
from dataclasses import dataclass

from tts.errors import TTSError

# One utterance per festival run: SynthText, save the wave, print one tab-separated line per word.
_SCRIPT = """\
(voice_{voice})
(set! utt (SynthText "{text}"))
(utt.save.wave utt "{wav}" 'riff)
(mapcar
  (lambda (w)
    (if (item.relation.daughter1 w 'SylStructure)
        (format t "WORD\\t%s\\t%s\\t%s\\n" (item.name w)
                (item.feat w "R:SylStructure.daughter1.daughter1.segment_start")
                (item.feat w "R:SylStructure.daughtern.daughtern.end"))))
  (utt.relation.items utt 'Word))
"""


@dataclass(frozen=True)
class WordTiming:
    word: str
    start: float
    end: float


def _scheme_string(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def synthesize(voice, text, wav_path, *, timeout=120):
    """Write festival's audio for `text` to `wav_path` and return its word timings."""
    script = _SCRIPT.format(voice=voice, text=_scheme_string(text), wav=_scheme_string(str(wav_path)))
    try:
        done = subprocess.run(["festival", "--pipe"], input=script, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TTSError(f"festival voice {voice} took over {timeout} s on: {text!r}") from None
    # festival exits 0 even after a Scheme error, so its output is checked instead
    problem = next((line for line in (done.stderr + done.stdout).splitlines() if "SIOD ERROR" in line), None)
    if done.returncode != 0 or problem:
        raise TTSError(f"festival voice {voice} failed on {text!r}: {problem or done.stderr.strip()[-200:]}")
    return parse(done.stdout)


def parse(output):
    """WordTimings from the WORD lines the script prints; other festival chatter is ignored."""
    words = []
    for line in output.splitlines():
        fields = line.split("\t")
        if len(fields) == 4 and fields[0] == "WORD":
            words.append(WordTiming(fields[1], float(fields[2]), float(fields[3])))
    return words


def shift(words, *, offset, duration):
    """Timings relative to audio that starts `offset` s into festival's wave and lasts `duration` s."""

    def clip(t):
        return round(min(max(t - offset, 0.0), duration), 4)

    return [WordTiming(w.word, clip(w.start), clip(w.end)) for w in words]
