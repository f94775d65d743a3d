// A supervised pool of worker processes for everything that parses or draws users' files. The serving
// process never runs pdf.js, an Office reader or libvips on a file: a cyclic PDF that never yields, a
// zip bomb or a leak in native code costs a worker, which is killed and replaced, never the server.
// Each task has a wall-clock budget enforced by SIGKILL (it works when the worker's JavaScript never
// yields) and each worker a memory cap on its private resident memory, which covers native memory too.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { FileWorkerProblem, QueueTimeout, reviveProblem } from "../problems";
import { workerEntry, type WorkerEntry } from "./entry";

export { QueueTimeout };
import type { TaskInput, TaskName, TaskOutput } from "./tasks";

export type RunOptions = {
  /** Wall-clock budget once a worker has the task; past it the worker is killed. */
  budgetMs: number;
  /** Give up (rejecting with `QueueTimeout`) if no worker has taken the task by then. */
  queueMs?: number;
};

export type FileWork = {
  run<T extends TaskName>(task: T, input: TaskInput<T>, options: RunOptions): Promise<TaskOutput<T>>;
  close(): Promise<void>;
};

export type PoolOptions = {
  /** Worker processes, i.e. files processed at once. */
  size: number;
  /** Memory cap per worker: private resident memory (JavaScript heap, native buffers, canvas, libvips). */
  memoryMb: number;
  /** An idle worker exits after this long, giving its memory back. */
  idleMs?: number;
  /** A new worker that is not ready this long after it was handed a task is killed, and the task refused. */
  startMs?: number;
  log?: (line: string) => void;
  /** The worker script (tests: one that never gets ready); by default the built or TypeScript entry. */
  entry?: Promise<WorkerEntry>;
};

const PAGE_BYTES = 4096;
/** How often a busy worker's memory is read. */
const MEMORY_POLL_MS = 50;
/** A worker is replaced after this many tasks, so slow leaks in native code never add up. */
const TASKS_PER_WORKER = 200;

type Job = {
  task: TaskName;
  input: unknown;
  options: RunOptions;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  queueTimer?: NodeJS.Timeout;
};

type Worker = {
  child: ChildProcess;
  ready: boolean;
  job: Job | null;
  done: number;
  stderr: string;
  timers: NodeJS.Timeout[];
  idle?: NodeJS.Timeout;
};

/**
 * Private resident bytes of a process (resident less file-backed shared pages such as the libvips and
 * Skia libraries), read from /proc on Linux; null elsewhere, leaving only the heap cap.
 */
function privateBytes(pid: number): number | null {
  try {
    const [, resident, shared] = readFileSync(`/proc/${pid}/statm`, "latin1").split(" ").map(Number);
    return (resident - shared) * PAGE_BYTES;
  } catch {
    return null;
  }
}

type Channel = { ref(): void; unref(): void };
const channelOf = (child: ChildProcess) => (child as ChildProcess & { channel?: Channel }).channel;

function clearTimers(w: Worker) {
  for (const t of w.timers) clearTimeout(t);
  w.timers = [];
  if (w.idle) clearTimeout(w.idle);
  w.idle = undefined;
}

/** A busy worker keeps the process alive (a CLI awaiting it); an idle one must not. */
function setBusy(w: Worker, busy: boolean) {
  if (busy) {
    w.child.ref();
    channelOf(w.child)?.ref();
  } else {
    w.child.unref();
    channelOf(w.child)?.unref();
  }
}

/** The worker's job failed with it: out of memory when its last words say so, else crashed. */
function failJob(w: Worker, why: string, log: (line: string) => void) {
  const job = w.job;
  w.job = null;
  if (!job) return;
  const oom = /heap out of memory|Allocation failed/i.test(w.stderr);
  log(`file worker ${w.child.pid ?? "(not started)"} died during ${job.task} (${why}${oom ? ", out of memory" : ""})`);
  job.reject(new FileWorkerProblem(oom ? "memory" : "crashed"));
}

/**
 * Calls `gone` once the worker has exited or could not be started. NOTE: an "error" event nobody listens
 * to is thrown: a worker that could not be started (EMFILE, or EAGAIN under a process limit) took the
 * whole server down, where a failure must cost a worker at most (decision 018). A start that failed sends
 * no "exit"; a message to a worker that just died is followed by its "exit".
 */
function onWorkerGone(child: ChildProcess, log: (line: string) => void, gone: (why: string) => void) {
  child.once("exit", (code, signal) => gone(String(signal ?? code)));
  child.on("error", (error: NodeJS.ErrnoException) => {
    if (child.pid === undefined || error.syscall?.startsWith("spawn")) gone(`could not start: ${error.code ?? error.message}`);
    else log(`file worker ${child.pid}: ${error.message}`);
  });
}

/** Fails its task, kills it, and resolves once it has exited. */
function stopWorker(w: Worker): Promise<void> | undefined {
  clearTimers(w);
  w.job?.reject(new Error("The file worker pool is closed."));
  w.job = null;
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  return new Promise<void>((resolve) => {
    w.child.once("exit", () => resolve());
    // NOTE: an idle worker is unref'd; waited on so, its exit was not what kept the process alive,
    // and a script awaiting close() (the seed) ended first, with exit code 13, 9 times in 10.
    setBusy(w, true);
    w.child.kill("SIGKILL");
  });
}

export function createFileWorkerPool(options: PoolOptions): FileWork {
  // The watchdog is the cap: near its own heap limit V8 spends seconds collecting garbage before it
  // gives up, so the heap limit (heapMb) sits at the cap only as a backstop where /proc cannot be read.
  const { size, memoryMb, memoryMb: heapMb, idleMs = 60_000, startMs = 30_000, log = (line: string) => console.error(line) } = options;
  const workers = new Set<Worker>();
  const queue: Job[] = [];
  let closed = false;
  let entry: WorkerEntry | undefined;
  void (options.entry ?? workerEntry(log)).then((e) => {
    entry = e;
    pump();
  });

  function spawnWorker(entry: WorkerEntry): Worker {
    const child = fork(entry.script, [], {
      execArgv: [...entry.execArgv, `--max-old-space-size=${heapMb}`],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const w: Worker = { child, ready: false, job: null, done: 0, stderr: "", timers: [] };
    workers.add(w);
    child.stderr?.on("data", (c) => (w.stderr = (w.stderr + c).slice(-4_000)));
    child.on(
      "message",
      (m: { ready?: boolean; ok?: boolean; output?: unknown; error?: { name?: string; message?: string; reason?: string } }) => {
        if (m.ready) {
          w.ready = true;
          clearTimers(w);
          if (w.job) send(w);
          return;
        }
        const job = w.job;
        if (!job) return;
        release(w);
        if (m.ok) job.resolve(m.output);
        else job.reject(reviveProblem(m.error ?? {}));
      },
    );
    onWorkerGone(child, log, (why) => {
      if (!workers.delete(w)) return;
      clearTimers(w);
      failJob(w, why, log);
      pump();
    });
    return w;
  }

  function kill(w: Worker, problem: FileWorkerProblem) {
    const job = w.job;
    w.job = null;
    clearTimers(w);
    workers.delete(w);
    w.child.kill("SIGKILL");
    if (job) {
      log(`file worker ${w.child.pid} killed during ${job.task}: ${problem.reason}`);
      job.reject(problem);
    }
    pump();
  }

  function release(w: Worker) {
    clearTimers(w);
    w.job = null;
    w.done++;
    setBusy(w, false);
    if (w.done >= TASKS_PER_WORKER) {
      workers.delete(w);
      w.child.kill("SIGKILL");
    } else {
      w.idle = setTimeout(() => {
        workers.delete(w);
        w.child.kill("SIGKILL");
      }, idleMs);
      w.idle.unref();
    }
    pump();
  }

  /** Hands the worker its job and starts the budget and the memory watch. */
  function send(w: Worker) {
    const job = w.job!;
    const capBytes = memoryMb * 1024 * 1024;
    const pid = w.child.pid!;
    const poll = setInterval(() => {
      const bytes = privateBytes(pid);
      if (bytes !== null && bytes > capBytes) kill(w, new FileWorkerProblem("memory"));
    }, MEMORY_POLL_MS);
    const budget = setTimeout(() => kill(w, new FileWorkerProblem("timeout", job.options.budgetMs)), job.options.budgetMs);
    w.timers.push(poll, budget);
    w.child.send({ task: job.task, input: job.input });
  }

  /** Jobs wait in the queue until the worker script is known (once per process, ~15 ms). */
  function pump() {
    while (!closed && entry && queue.length > 0) {
      let w = [...workers].find((x) => !x.job);
      if (!w) {
        if (workers.size >= size) return;
        w = spawnWorker(entry);
      }
      const job = queue.shift()!;
      if (job.queueTimer) clearTimeout(job.queueTimer);
      clearTimers(w);
      w.job = job;
      setBusy(w, true);
      if (w.ready) send(w);
      else w.timers.push(setTimeout(() => notStarted(w), startMs));
    }
  }

  /**
   * The task's budget starts once its worker is ready: one that never gets there (a native library
   * hanging at load, a starved machine) held its task, and the job runner's one-at-a-time queue, for
   * good. A queue timeout, not a file problem: the task is retried later, and an upload's look skipped.
   */
  function notStarted(w: Worker) {
    const job = w.job;
    w.job = null;
    clearTimers(w);
    workers.delete(w);
    w.child.kill("SIGKILL");
    log(`file worker ${w.child.pid} was not ready within ${startMs} ms: killed`);
    job?.reject(new QueueTimeout(`No file worker was ready within ${startMs} ms.`));
    pump();
  }

  return {
    run(task, input, runOptions) {
      if (closed) return Promise.reject(new Error("The file worker pool is closed."));
      return new Promise((resolve, reject) => {
        const job: Job = { task, input, options: runOptions, resolve: resolve as (v: unknown) => void, reject };
        if (runOptions.queueMs !== undefined) {
          job.queueTimer = setTimeout(() => {
            const at = queue.indexOf(job);
            if (at < 0) return;
            queue.splice(at, 1);
            reject(new QueueTimeout(`No file worker was free within ${runOptions.queueMs} ms.`));
          }, runOptions.queueMs);
        }
        queue.push(job);
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error("The file worker pool is closed."));
      await Promise.all([...workers].map((w) => (workers.delete(w), stopWorker(w))));
    },
  };
}

/**
 * The deployment's file work: background jobs share `size` workers; uploads get a worker of their own,
 * so the look at a new file never waits behind a long render.
 */
export function createFileWorkers(options: { size: number; memoryMb: number; log?: (line: string) => void }): FileWork {
  const jobs = createFileWorkerPool(options);
  const uploads = createFileWorkerPool({ ...options, size: 1, idleMs: 10 * 60_000 });
  return {
    run: (task, input, runOptions) => (task === "inspect" ? uploads : jobs).run(task, input, runOptions),
    close: async () => void (await Promise.all([jobs.close(), uploads.close()])),
  };
}
