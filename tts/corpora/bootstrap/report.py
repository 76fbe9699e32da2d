"""What a bootstrap built: per-speaker counts and minutes, total hours and diphone coverage."""


def summarize(*, target, seed, items, seconds, covered, pool_diphones, pool_sentences, wall_seconds):
    """The report as a JSON-ready dict (also written to DIR/bootstrap_report.json)."""
    speakers = {}
    for item, length in zip(items, seconds):
        voice = item.voice
        row = speakers.setdefault(item.speaker, {"id": item.speaker, "engine": voice.engine, "voice": voice.name,
                                                 "gender": voice.gender, "utterances": 0, "minutes": 0.0})
        row["utterances"] += 1
        row["minutes"] += length / 60.0
    rows = [{**row, "minutes": round(row["minutes"], 3)} for row in speakers.values()]
    return {
        "layout": target.name,
        "version": target.version,
        "sample_rate": target.sample_rate,
        "seed": seed,
        "speakers": rows,
        "utterances": len(items),
        "hours": round(sum(seconds) / 3600.0, 4),
        "diphone_coverage": {
            "covered": covered,
            "in_pool": pool_diphones,
            "fraction": round(covered / pool_diphones, 4) if pool_diphones else 0.0,
            "pool_sentences": pool_sentences,
        },
        "wall_seconds": round(wall_seconds, 1),
    }


def format_table(report):
    lines = [f"{'speaker':<8} {'engine/voice':<34} {'utts':>5} {'minutes':>8}"]
    for row in report["speakers"]:
        label = f"{row['engine']}/{row['voice']}"
        lines.append(f"{row['id']:<8} {label:<34} {row['utterances']:>5} {row['minutes']:>8.2f}")
    cov = report["diphone_coverage"]
    lines += [
        f"total: {report['utterances']} utterances, {report['hours']:.3f} hours "
        f"({report['layout']} {report['version']}, {report['sample_rate']} Hz, seed {report['seed']})",
        f"diphone coverage: {cov['covered']} of {cov['in_pool']} diphones ({100 * cov['fraction']:.1f} %) "
        f"seen in {cov['pool_sentences']} candidate sentences",
        f"built in {report['wall_seconds']:.1f} s",
    ]
    return "\n".join(lines)
