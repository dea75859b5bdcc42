import { MIN_PLAY_MS, type Play } from "./history.js";

export interface ArtistGraph {
  nodes: Array<{ id: string; plays: number; hours: number }>;
  /** `from` was followed by `to` this many times within a listening session. */
  edges: Array<{ from: string; to: string; weight: number }>;
  sessions: number;
}

export interface GraphOptions {
  /** Most-played artists kept as nodes. */
  limit: number;
  /** Edges lighter than this are left out. */
  minWeight: number;
  /** A pause longer than this starts a new listening session. */
  sessionGapMinutes: number;
}

/**
 * Artists as nodes, and an edge from one artist to the next whenever a play of the second follows a play
 * of the first within the same session. Skips (plays under 30 s) are not plays; repeats of one artist add
 * no edge.
 */
export function buildArtistGraph(plays: readonly Play[], options: GraphOptions): ArtistGraph {
  const counted = plays.filter((p) => p.msPlayed >= MIN_PLAY_MS);
  const artists = new Map<string, { plays: number; ms: number }>();
  for (const play of counted) {
    const a = artists.get(play.artist) ?? { plays: 0, ms: 0 };
    a.plays++;
    a.ms += play.msPlayed;
    artists.set(play.artist, a);
  }
  const kept = [...artists]
    .sort((x, y) => y[1].plays - x[1].plays || x[0].localeCompare(y[0]))
    .slice(0, options.limit);
  const keptNames = new Set(kept.map(([name]) => name));

  const weights = new Map<string, number>();
  let sessions = 0;
  let previous: Play | undefined;
  const gapMs = options.sessionGapMinutes * 60_000;
  for (const play of counted) {
    // A play's start is its end minus its duration; a session breaks when the pause between plays is long.
    const startMs = play.endTime.getTime() - play.msPlayed;
    if (previous === undefined || startMs - previous.endTime.getTime() > gapMs) {
      sessions++;
    } else if (
      previous.artist !== play.artist &&
      keptNames.has(previous.artist) &&
      keptNames.has(play.artist)
    ) {
      const key = `${previous.artist}\u0000${play.artist}`;
      weights.set(key, (weights.get(key) ?? 0) + 1);
    }
    previous = play;
  }
  const edges = [...weights]
    .map(([key, weight]) => {
      const [from = "", to = ""] = key.split("\u0000");
      return { from, to, weight };
    })
    .filter((e) => e.weight >= options.minWeight)
    .sort((a, b) => b.weight - a.weight || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return {
    nodes: kept.map(([id, a]) => ({ id, plays: a.plays, hours: Math.round((a.ms / 3_600_000) * 100) / 100 })),
    edges,
    sessions,
  };
}
