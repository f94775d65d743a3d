// Entry point of a file worker process (forked by content/workers/pool.ts). Runs one task at a time
// and answers over IPC. It exits when the parent goes away, so no orphan keeps parsing a file.
import { TASKS, type TaskName } from "./tasks";

type Request = { id: number; task: TaskName; input: unknown };

process.on("message", (message: Request) => {
  const run = TASKS[message.task] as ((input: unknown) => Promise<unknown>) | undefined;
  const reply = (body: object) => process.send?.({ id: message.id, ...body });
  if (!run) return reply({ ok: false, error: { name: "Error", message: `Unknown task ${String(message.task)}` } });
  run(message.input).then(
    (output) => reply({ ok: true, output }),
    (error: Error & { reason?: string }) =>
      reply({ ok: false, error: { name: error?.name, message: error?.message, reason: error?.reason } }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
