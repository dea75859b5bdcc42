/**
 * One play from Spotify's "download your data" export. The basic export (StreamingHistory*.json) uses
 * `endTime`, `artistName`, `trackName`, `msPlayed`; the extended one (Streaming_History_Audio_*.json) uses
 * `ts`, `master_metadata_album_artist_name`, `master_metadata_track_name`, `ms_played`.
 */
export interface Play {
  endTime: Date;
  artist: string;
  track: string;
  msPlayed: number;
}

export class HistoryFormatError extends Error {
  override readonly name = "HistoryFormatError";
}

type Entry = Record<string, unknown>;

function toPlay(entry: Entry, where: string): Play | undefined {
  const basic = typeof entry.endTime === "string";
  const endText = basic ? entry.endTime : entry.ts;
  const artist = basic ? entry.artistName : entry.master_metadata_album_artist_name;
  const track = basic ? entry.trackName : entry.master_metadata_track_name;
  const ms = basic ? entry.msPlayed : entry.ms_played;
  // Podcast episodes and unknown tracks have no artist in the extended export: they are not music plays.
  if (artist === null || track === null) return undefined;
  if (
    typeof endText !== "string" ||
    typeof artist !== "string" ||
    typeof track !== "string" ||
    typeof ms !== "number"
  ) {
    throw new HistoryFormatError(`${where}: expected endTime/ts, artist, track and ms played`);
  }
  // The basic export writes "2024-03-01 21:14" in UTC without a zone.
  const endTime = new Date(basic ? `${endText.replace(" ", "T")}Z` : endText);
  if (Number.isNaN(endTime.getTime())) throw new HistoryFormatError(`${where}: "${endText}" is not a date`);
  if (!Number.isFinite(ms) || ms < 0)
    throw new HistoryFormatError(`${where}: ms played must be a non-negative number`);
  return { endTime, artist, track, msPlayed: ms };
}

/** Parses one export file's JSON array into plays, in time order. */
export function parseHistory(json: unknown, file = "history"): Play[] {
  if (!Array.isArray(json)) throw new HistoryFormatError(`${file}: expected a JSON array of plays`);
  const plays: Play[] = [];
  json.forEach((entry: unknown, index) => {
    if (typeof entry !== "object" || entry === null)
      throw new HistoryFormatError(`${file}[${index}]: not an object`);
    const play = toPlay(entry as Entry, `${file}[${index}]`);
    if (play !== undefined) plays.push(play);
  });
  return plays.sort((a, b) => a.endTime.getTime() - b.endTime.getTime());
}

export interface PlaySummary {
  plays: number;
  hoursListened: number;
  topArtists: Array<{ artist: string; plays: number; hours: number }>;
  topTracks: Array<{ artist: string; track: string; plays: number }>;
}

/** Plays shorter than this are skips, as Spotify itself counts streams (30 s). */
export const MIN_PLAY_MS = 30_000;

export function summarizePlays(plays: readonly Play[], limit = 10): PlaySummary {
  const counted = plays.filter((p) => p.msPlayed >= MIN_PLAY_MS);
  const artists = new Map<string, { plays: number; ms: number }>();
  const tracks = new Map<string, { artist: string; track: string; plays: number }>();
  for (const play of counted) {
    const a = artists.get(play.artist) ?? { plays: 0, ms: 0 };
    a.plays++;
    a.ms += play.msPlayed;
    artists.set(play.artist, a);
    const key = `${play.artist}\u0000${play.track}`;
    const t = tracks.get(key) ?? { artist: play.artist, track: play.track, plays: 0 };
    t.plays++;
    tracks.set(key, t);
  }
  const hours = (ms: number) => Math.round((ms / 3_600_000) * 100) / 100;
  const byPlaysThenName =
    <T extends { plays: number }>(name: (x: T) => string) =>
    (a: T, b: T) =>
      b.plays - a.plays || name(a).localeCompare(name(b));
  return {
    plays: counted.length,
    hoursListened: hours(counted.reduce((sum, p) => sum + p.msPlayed, 0)),
    topArtists: [...artists]
      .map(([artist, a]) => ({ artist, plays: a.plays, hours: hours(a.ms) }))
      .sort(byPlaysThenName((x) => x.artist))
      .slice(0, limit),
    topTracks: [...tracks.values()].sort(byPlaysThenName((x) => `${x.artist}/${x.track}`)).slice(0, limit),
  };
}
