import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertmanagerConfigError, type AlertmanagerServer, startAlertmanager } from "../src/index.js";

const config = (receiver: string) => `route:\n  receiver: ${receiver}\nreceivers:\n  - name: ${receiver}\n`;

/** The configuration Alertmanager runs now, as its status API reports it. */
async function running(server: AlertmanagerServer): Promise<string> {
  const status = (await (await fetch(`${server.url}/api/v2/status`)).json()) as {
    config: { original: string };
  };
  return status.config.original;
}

let server: AlertmanagerServer;
beforeAll(async () => {
  server = await startAlertmanager(config("first"));
});
afterAll(async () => {
  await server?.destroy();
});

describe("startAlertmanager (Debian's Alertmanager)", () => {
  it("reloads a new configuration", async () => {
    await server.reload(config("second"));
    expect(await running(server)).toContain("receiver: second");
  });

  it("refuses a configuration amtool rejects, and keeps running the last good one", async () => {
    await expect(
      server.reload(config("third").replace("receivers:", "receivers: {}\nbroken:")),
    ).rejects.toThrow(AlertmanagerConfigError);
    expect(await running(server)).toContain("receiver: second");
    // The file on disk is the good one too: a reload now changes nothing.
    const response = await fetch(`${server.url}/-/reload`, { method: "POST" });
    expect(response.ok).toBe(true);
    expect(await running(server)).toContain("receiver: second");
  });

  it("puts the running configuration back on disk when Alertmanager refuses one amtool accepted", async () => {
    // amtool only parses; Alertmanager also builds each receiver's HTTP client, which reads the CA file.
    const unloadable = `${config("fourth")}    webhook_configs:
      - url: http://127.0.0.1:9/hook
        http_config:
          tls_config:
            ca_file: /nonexistent/trackgraph-ca.pem
`;
    await expect(server.reload(unloadable)).rejects.toThrow(
      /^alertmanager reload: .*unable to load specified CA cert \/nonexistent\/trackgraph-ca\.pem/,
    );
    expect(await running(server)).toContain("receiver: second");
    // Without the restore, the refused file would stay on disk and every later reload would fail too.
    const response = await fetch(`${server.url}/-/reload`, { method: "POST" });
    expect(response.ok).toBe(true);
    expect(await running(server)).toContain("receiver: second");
  });

  it("refuses to start on a bad configuration, with amtool's reason", async () => {
    await expect(startAlertmanager("route: [")).rejects.toThrow(/alertmanager config .*alertmanager\.yml/);
  });
});
