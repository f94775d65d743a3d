// The file tasks run in the calling process, with no isolation. Only for the benchmark's baseline (what
// the pipeline cost before the worker pool) and for unit tests of the tasks; never for serving.
import type { FileWork } from "./pool";
import { TASKS } from "./tasks";

export function inlineFileWork(): FileWork {
  return {
    run: (task, input) => (TASKS[task] as (i: typeof input) => Promise<never>)(input),
    close: async () => {},
  };
}
