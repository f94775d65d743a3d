// Issue #13: if the serving process dies anyway, something restarts it. The README's example files are
// tested here: the container health check script tells a healthy server from a dead one, and the
// systemd unit and Dockerfile restart and probe the way the README says.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareFaultApp, type FaultApp } from "../setup/fault-app";
import { buildMissing } from "../setup/fault-traffic";
import type { AppServer } from "../setup/server-process";

const skip = buildMissing();
const healthcheck = (port: string) =>
  spawnSync(process.execPath, ["deploy/healthcheck.mjs"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: port },
    encoding: "utf8",
    timeout: 20_000,
  });

describe.skipIf(skip)(`deployment examples${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let fault: FaultApp;
  let server: AppServer | undefined;
  beforeAll(async () => {
    fault = await prepareFaultApp();
    server = await fault.start();
  });
  afterAll(async () => {
    await server?.stop();
    await fault?.destroy();
  });

  it("health check script exits 0 for a healthy server and 1 once it has stopped", async () => {
    const port = new URL(server!.baseURL).port;
    expect(healthcheck(port).status).toBe(0);
    await server!.stop();
    server = undefined;
    const down = healthcheck(port);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/healthz/);
  });
});

describe("example service files", () => {
  it("systemd unit restarts Fieldkit whatever way it exits, and stops its file workers with it", () => {
    const unit = readFileSync("deploy/fieldkit.service", "utf8");
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^RestartSec=\d+$/m);
    expect(unit).toMatch(/^ExecStart=.*npm start$/m);
    expect(unit).toMatch(/^KillMode=control-group$/m);
    const analyze = spawnSync("systemd-analyze", ["verify", "deploy/fieldkit.service"], { encoding: "utf8" });
    // Only where systemd is installed: a unit that systemd cannot parse fails here, not in production.
    if (!analyze.error) expect(analyze.stderr).not.toMatch(/Unknown (key|section)|Failed to parse/i);
  });

  it("Dockerfile probes /healthz with the tested script and starts the app as the README says", () => {
    const dockerfile = readFileSync("deploy/Dockerfile", "utf8");
    const check = dockerfile.match(/^HEALTHCHECK .*CMD \["node", "([^"]+)"\]$/m);
    expect(check?.[1]).toBe("deploy/healthcheck.mjs");
    expect(existsSync(check![1])).toBe(true);
    expect(dockerfile).toMatch(/^CMD \["npm", "start"/m);
    expect(dockerfile).toMatch(/^ENV .*HOST=0\.0\.0\.0/m);
  });
});
