import { type ChildProcess, spawn } from 'node:child_process';
import type { ChildMessage, CommandMap, ParentMessage } from '../shared/protocol.ts';

/** How to start a child process. */
export interface SpawnOptions {
  /** A label for logs and errors. */
  name: string;
  /** Absolute path of the TypeScript entry (run through tsx), or of a JavaScript bundle with `bundled`. */
  script: string;
  /**
   * The script is plain JavaScript: run it without tsx, whose loader thread (a V8 isolate of its
   * own) would add about 35 MiB to the RSS of a process whose memory is measured (`pnpm bench --scale`).
   */
  bundled?: boolean | undefined;
  args?: string[] | undefined;
  /** Pass `--expose-gc`, so `stats({ gc: true })` can collect before measuring memory. */
  exposeGc?: boolean | undefined;
  /** Write a `node --cpu-prof` profile into this folder when the child exits. */
  cpuProfDir?: string | undefined;
  /** How long to wait for the child's `ready` event. @default 60_000 */
  readyTimeoutMs?: number | undefined;
}

const live = new Set<ChildProcess>();
let handlersInstalled = false;

/** Kills every child still running (synchronous, so it also works from an `exit` handler). */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllChildren();
      process.stderr.write(`\nbench: ${signal}, children killed\n`);
      process.exit(130);
    });
  }
}

// Raise the open-files limit as far as the hard limit allows, then become node (same pid, same IPC fd).
const ULIMIT_WRAPPER = 'ulimit -n 65535 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
const TSX_LOADER = import.meta.resolve('tsx');

function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WritableStream): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`  [${name}] ${line}\n`);
  });
  stream.on('end', () => {
    if (rest) out.write(`  [${name}] ${rest}\n`);
  });
}

/** A child process that answers typed requests over IPC; disposing it ends it. */
export class Child<TCommands extends CommandMap<TCommands>> implements AsyncDisposable {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.process = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        const error = new Error(`bench: child "${name}" exited (code ${code}, signal ${signal})`);
        for (const { reject } of this.pending.values()) reject(error);
        this.pending.clear();
        resolve(code);
      });
    });
    child.on('message', (message: ChildMessage) => this.onMessage(message));
  }

  /** Starts a child and resolves once it sends `ready`, with the ready payload. */
  static async spawn<TCommands extends CommandMap<TCommands>, TReady>(
    options: SpawnOptions,
  ): Promise<{ child: Child<TCommands>; ready: TReady }> {
    installHandlers();
    const nodeArgs = options.bundled ? [] : ['--import', TSX_LOADER];
    if (options.exposeGc) nodeArgs.push('--expose-gc');
    if (options.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
    const proc = spawn(
      'bash',
      ['-c', ULIMIT_WRAPPER, process.execPath, ...nodeArgs, options.script, ...(options.args ?? [])],
      { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } },
    );
    live.add(proc);
    prefixLines(options.name, proc.stdout, process.stdout);
    prefixLines(options.name, proc.stderr, process.stderr);
    const child = new Child<TCommands>(options.name, proc);
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    try {
      const ready = await Promise.race([
        child.waitEvent('ready', timeoutMs),
        child.exited.then((code) => {
          throw new Error(`bench: child "${options.name}" exited with code ${code} before it was ready`);
        }),
      ]);
      return { child, ready: ready as TReady };
    } catch (error) {
      await child.kill();
      throw error;
    }
  }

  private onMessage(message: ChildMessage): void {
    if (message.kind === 'event') {
      for (const listener of this.listeners.get(message.name) ?? []) listener(message.data);
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) return;
    this.pending.delete(message.id);
    if (message.ok) entry.resolve(message.value);
    else entry.reject(new Error(`bench: "${this.name}" failed: ${message.error}`));
  }

  /** Sends a command and resolves to its result. */
  request<K extends keyof TCommands & string>(
    cmd: K,
    args: TCommands[K]['args'],
    timeoutMs = 60_000,
  ): Promise<TCommands[K]['result']> {
    const id = this.nextId++;
    return new Promise<TCommands[K]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bench: "${this.name}" did not answer "${cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as TCommands[K]['result']);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.send({ kind: 'req', id, cmd, args });
    });
  }

  /** Sends a command without waiting for an answer. */
  notify<K extends keyof TCommands & string>(cmd: K, args: TCommands[K]['args']): void {
    this.send({ kind: 'note', cmd, args });
  }

  private send(message: ParentMessage): void {
    if (!this.process.connected) throw new Error(`bench: child "${this.name}" is gone`);
    this.process.send(message);
  }

  /** Calls `listener` for each event of that name; returns a function that stops it. */
  on(name: string, listener: (data: unknown) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Resolves with the next event of that name. */
  waitEvent(name: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`bench: "${this.name}" sent no "${name}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(name, (data) => {
        clearTimeout(timer);
        off();
        resolve(data);
      });
    });
  }

  /** Asks the child to close (so a CPU profile gets written), then kills it if it lingers. */
  async kill(graceMs = 5_000): Promise<void> {
    const proc = this.process;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    if (proc.connected) proc.disconnect();
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }
}
