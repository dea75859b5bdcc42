import { describe, expect, it } from "vitest";
import { HistoryFormatError, parseHistory, summarizePlays } from "../src/history.js";

const basic = [
  { endTime: "2024-03-01 21:14", artistName: "Nils Frahm", trackName: "Says", msPlayed: 540_000 },
  { endTime: "2024-03-01 21:10", artistName: "Ólafur Arnalds", trackName: "saman", msPlayed: 185_000 },
  { endTime: "2024-03-01 21:20", artistName: "Nils Frahm", trackName: "Says", msPlayed: 12_000 },
  { endTime: "2024-03-01 21:30", artistName: "Nils Frahm", trackName: "All Melody", msPlayed: 480_000 },
];

describe("Spotify streaming history", () => {
  it("reads the basic export in time order, in UTC", () => {
    const plays = parseHistory(basic);
    expect(plays.map((p) => p.endTime.toISOString())).toEqual([
      "2024-03-01T21:10:00.000Z",
      "2024-03-01T21:14:00.000Z",
      "2024-03-01T21:20:00.000Z",
      "2024-03-01T21:30:00.000Z",
    ]);
  });

  it("reads the extended export and leaves out podcast episodes", () => {
    const plays = parseHistory([
      {
        ts: "2024-03-02T08:00:00Z",
        master_metadata_album_artist_name: "Hania Rani",
        master_metadata_track_name: "Eden",
        ms_played: 200_000,
      },
      {
        ts: "2024-03-02T08:10:00Z",
        master_metadata_album_artist_name: null,
        master_metadata_track_name: null,
        ms_played: 900_000,
      },
    ]);
    expect(plays).toEqual([
      { endTime: new Date("2024-03-02T08:00:00Z"), artist: "Hania Rani", track: "Eden", msPlayed: 200_000 },
    ]);
  });

  it("summarizes plays of 30 s or more: top artists, top tracks, hours", () => {
    expect(summarizePlays(parseHistory(basic))).toEqual({
      plays: 3,
      hoursListened: 0.33,
      topArtists: [
        { artist: "Nils Frahm", plays: 2, hours: 0.28 },
        { artist: "Ólafur Arnalds", plays: 1, hours: 0.05 },
      ],
      topTracks: [
        { artist: "Nils Frahm", track: "All Melody", plays: 1 },
        { artist: "Nils Frahm", track: "Says", plays: 1 },
        { artist: "Ólafur Arnalds", track: "saman", plays: 1 },
      ],
    });
  });

  it("names the entry that is wrong", () => {
    expect(() => parseHistory({})).toThrowError(HistoryFormatError);
    expect(() =>
      parseHistory(
        [basic[0], { endTime: "yesterday", artistName: "a", trackName: "b", msPlayed: 1 }],
        "h.json",
      ),
    ).toThrow('h.json[1]: "yesterday" is not a date');
  });
});
