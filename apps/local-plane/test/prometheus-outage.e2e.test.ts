import { imageConfigYaml } from "@trackgraph/collector";
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type LocalPlane, startLocalPlane } from "../src/index.js";
import { eventually } from "./helpers.js";

const SCRAPE_SECONDS = 2;
const OUTAGE_MS = 30_000;
let plane: LocalPlane;

/** The memory_limiter's hard limit in the config the image bakes (and the plane runs). */
const limitMiB = (image: "proxy" | "scraper") =>
  (parse(imageConfigYaml(image)) as { processors: { memory_limiter: { limit_mib: number } } }).processors
    .memory_limiter.limit_mib;

beforeAll(async () => {
  plane = await startLocalPlane({ scrapeInterval: `${SCRAPE_SECONDS}s`, historyCacheSeconds: 60 });
});
afterAll(async () => {
  await plane?.stop();
});

/** The timestamps (seconds) of every stored sample of `selector` in the last `seconds`. */
async function sampleTimes(selector: string, seconds: number): Promise<number[]> {
  const [series] = await plane.prometheus.rawSamples(selector, seconds);
  return (series?.values ?? []).map(([t]) => t);
}

describe("Prometheus (AMP) goes away for 30 s under load", () => {
  it("queued metrics arrive once it is back, with no gap, and the collectors stay under their memory limits", async () => {
    const load = autocannon({
      url: `${plane.urls.backend}/graph?limit=20`,
      connections: 2,
      overallRate: 50,
      duration: 75,
    });
    // Steady state first: the backend's series are flowing.
    await eventually("the backend's series in Prometheus", async () =>
      (await sampleTimes('up{job="trackgraph-backend"}', 60)).length >= 3 ? true : undefined,
    );

    const outageStart = Date.now() / 1000;
    await plane.prometheus.stop();
    const peakRss = { scraper: 0, proxy: 0 };
    const watch = setInterval(() => {
      peakRss.scraper = Math.max(peakRss.scraper, plane.scraper.rssMiB());
      peakRss.proxy = Math.max(peakRss.proxy, plane.proxy.rssMiB());
    }, 500);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await plane.prometheus.start();
    const outageEnd = Date.now() / 1000;

    // The scraper's retries (backing off to at most 30 s) deliver what it queued during the outage.
    const times = await eventually(
      "samples from the whole outage",
      async () => {
        const all = await sampleTimes('up{job="trackgraph-backend"}', 180);
        const after = all.filter((t) => t > outageEnd + SCRAPE_SECONDS);
        const during = all.filter((t) => t > outageStart && t < outageEnd);
        return after.length > 0 && during.length >= OUTAGE_MS / 1000 / SCRAPE_SECONDS - 2 ? all : undefined;
      },
      90_000,
    );
    clearInterval(watch);
    const result = await load;
    expect(result.errors + result.non2xx).toBe(0);

    const window = times.filter((t) => t > outageStart - 10 && t < outageEnd + 10);
    const gaps = window.slice(1).map((t, i) => t - (window[i] ?? t));
    // Scrapes are 2 s apart; a missing one would show as a gap of 4 s or more.
    expect(Math.max(...gaps)).toBeLessThan(SCRAPE_SECONDS * 1.75);
    expect(peakRss.scraper).toBeGreaterThan(0);
    expect(peakRss.scraper).toBeLessThan(limitMiB("scraper"));
    expect(peakRss.proxy).toBeLessThan(limitMiB("proxy"));
    process.stdout.write(
      `outage ${OUTAGE_MS / 1000} s: ${window.length} samples around it, largest gap ${Math.max(...gaps).toFixed(1)} s; peak RSS scraper ${peakRss.scraper.toFixed(0)} of ${limitMiB("scraper")} MiB, proxy ${peakRss.proxy.toFixed(0)} of ${limitMiB("proxy")} MiB; ${result.requests.total} requests\n`,
    );
  });
});
