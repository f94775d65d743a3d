#!/usr/bin/env node
// Exit 0 when Fieldkit answers GET /healthz with 200 within the timeout, 1 otherwise. For a container's
// HEALTHCHECK or a supervisor's probe: it reads the same HOST and PORT as the server.
const host = process.env.HEALTHCHECK_HOST ?? (process.env.HOST && process.env.HOST !== "0.0.0.0" ? process.env.HOST : "127.0.0.1");
const port = process.env.PORT ?? "3000";
const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 5000)) });
  if (res.status !== 200) {
    console.error(`${url} answered ${res.status}: ${await res.text()}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`${url}: ${error?.cause?.code ?? error?.message ?? error}`);
  process.exit(1);
}
