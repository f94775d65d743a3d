// The client side of the hostile-upload bench, in its own process so its work never shows in the
// server's event-loop figures: uploads the hostile corpus, samples /healthz every 50 ms until every
// item has settled, and prints one JSON line with what it saw.
import { hostileCorpus } from "../setup/hostile";
import { sampleHealth, settledState, uploadAll } from "../setup/hostile-uploads";

const [baseURL, cookie] = process.argv.slice(2);
const corpus = await hostileCorpus();
const health = sampleHealth(baseURL);
const started = performance.now();
const uploads = await uploadAll(baseURL, cookie, corpus);
for (const u of uploads.filter((x) => x.itemId)) {
  const deadline = Date.now() + 180_000;
  while (!(await settledState(baseURL, cookie, u.itemId!))) {
    if (Date.now() > deadline) throw new Error(`${u.file.name} did not settle in 180 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const seconds = (performance.now() - started) / 1000;
const samples = await health.stop();
process.stdout.write(
  JSON.stringify({
    seconds,
    uploads: uploads.map((u) => ({ name: u.file.name, status: u.status, ms: u.ms })),
    health: samples.map((s) => s.ms),
    healthFailures: samples.filter((s) => s.status !== 200).length,
  }) + "\n",
);
