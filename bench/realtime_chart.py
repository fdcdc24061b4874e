"""The picture of ``bench/realtime.py --rate``: single-record latency against the offered load."""

from __future__ import annotations

from pathlib import Path

TARGET_MS = 100  # issue 16: p95 per single-record submission


def draw(results: list[dict], path: Path) -> None:
    """p50 and p95 against the offered rate, one pair of lines per sweep (a worker count, a
    group commit setting, a repeat), each closed-loop phase as its saturation point (the rate it reached and its p95,
    a dotted line at that rate), and the 100 ms target. An open-loop point whose achieved rate
    fell short of the offered one is labelled with it: the server could not keep up."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    fig, ax = plt.subplots(figsize=(10, 7.5))
    def sweep(r: dict) -> tuple:
        groups = r.get("submit_groups")  # None: the server's default (-1 here, so that it sorts)
        return r["workers"], -1 if groups is None else groups, r["repeat"], r.get("code", "after")

    for (workers, groups, repeat, code), colour in zip(sorted({sweep(r) for r in results}),
                                                       plt.get_cmap("tab10").colors):
        name = f"{workers} worker{'s' if workers > 1 else ''}" + (
            "" if groups < 0 else ", no group commit" if groups == 0 else f", group commit ({groups} at once)") + (
            f", run {repeat + 1}" if repeat else "") + (f", before ({results[0].get('before')})" if code == "before"
                                                          else "")
        mine = [r for r in results if sweep(r) == (workers, groups, repeat, code)]
        offered = sorted((r for r in mine if r["loop"] == "open"), key=lambda r: r["offered_records_per_s"])
        rates = [r["offered_records_per_s"] for r in offered]
        ax.plot(rates, [r["p95_ms"] for r in offered], "o-", color=colour, label=f"p95, open loop, {name}")
        ax.plot(rates, [r["p50_ms"] for r in offered], "s--", color=colour, alpha=0.6, markersize=4,
                label=f"p50, open loop, {name}")
        for r in offered:
            if r["records_per_s"] < 0.95 * r["offered_records_per_s"]:
                ax.annotate(f"achieved {r['records_per_s']:g}/s", (r["offered_records_per_s"], r["p95_ms"]),
                            textcoords="offset points", xytext=(6, -12), fontsize=7, color=colour)
        for r in mine:
            if r["loop"] == "closed":
                ax.axvline(r["records_per_s"], color=colour, linestyle=":", linewidth=1)
                ax.plot(r["records_per_s"], r["p95_ms"], "X", color=colour, markersize=11,
                        label=f"closed loop, {name}: {r['clients']} clients back to back, "
                              f"{r['records_per_s']:g} records/s, p95 {r['p95_ms']:.0f} ms")
    ax.axhline(TARGET_MS, color="crimson", linewidth=1.5, label=f"target: p95 < {TARGET_MS} ms")
    ax.set_yscale("log")
    ax.set_yticks([t for t in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
                   if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]])
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(f"offered load: single-record submissions a second in all (Poisson arrivals, "
                  f"{results[0]['clients']} partner clients)")
    ax.set_ylabel("latency from the scheduled send, ms (log scale)")
    loads = [r[key] for r in results for key in ("load_1min_before", "load_1min_after")]
    ax.set_title(f"Real-time resolution through the API at {results[0]['graph']['records']:,} records: "
                 f"latency against offered load\n(alerts evaluated; load average {min(loads):g}–{max(loads):g}; "
                 f"{results[0]['at'][:16].replace('T', ' ')})", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")  # the legend below the axes included
    plt.close(fig)
