"""The duration model's data: the aligner's durations file as (ids, speaker, log(1 + frames)) items.
The held-out split is tts.corpora.holdout's, shared by every stage.
"""


import numpy as np
import torch
from torch.utils.data import Dataset

from tts.errors import TTSError


class DurationDataset(Dataset):
    def __init__(self, records, inventory, speakers):
        self.records = list(records)
        speaker_index = {speaker: index for index, speaker in enumerate(speakers)}
        unknown = sorted({r.speaker for r in self.records} - set(speaker_index))
        if unknown:
            raise TTSError(f"durations name speakers {unknown} that the speaker table lacks")
        self.items = []
        for record in self.records:
            ids, missing = inventory.ids(record.phonemes)
            if missing:
                raise TTSError(
                    f"{record.id}: phonemes {sorted(missing)} are not in inventory {inventory.version!r}"
                )
            self.items.append((torch.from_numpy(ids), speaker_index[record.speaker], torch.from_numpy(record.durations)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        ids, speaker, durations = self.items[index]
        return {"ids": ids, "speaker": speaker, "durations": durations}


def collate(examples):
    """Padded {"ids", "lengths", "speakers", "durations"} (frames; 0 beyond each length)."""
    lengths = torch.tensor([len(example["ids"]) for example in examples])
    ids = torch.zeros(len(examples), int(lengths.max()), dtype=torch.int64)
    durations = torch.zeros(len(examples), int(lengths.max()), dtype=torch.int64)
    for row, example in enumerate(examples):
        ids[row, : lengths[row]] = example["ids"]
        durations[row, : lengths[row]] = example["durations"]
    speakers = torch.tensor([example["speaker"] for example in examples])
    return {"ids": ids, "lengths": lengths, "speakers": speakers, "durations": durations}


def log_durations(frames):
    """The regression target: log(1 + frames), which compresses long pauses."""
    return torch.log1p(frames.float())


def length_errors(predicted_frames, records):
    """Relative error of each utterance's predicted total length: |predicted - real| / real."""
    return np.array([abs(int(p.sum()) - r.n_frames) / r.n_frames for p, r in zip(predicted_frames, records)])
