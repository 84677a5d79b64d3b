import type { ChildMessage, CommandMap, ParentMessage } from './protocol.ts';

/** Handlers for each command a child process answers. */
export type Handlers<TCommands extends CommandMap<TCommands>> = {
  [K in keyof TCommands]: (
    args: TCommands[K]['args'],
  ) => TCommands[K]['result'] | Promise<TCommands[K]['result']>;
};

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** Sends an unsolicited event to the orchestrator. */
export function sendEvent(name: string, data: unknown): void {
  send({ kind: 'event', name, data });
}

/**
 * Answers the orchestrator's requests over the IPC channel; the process exits when the channel
 * closes (the orchestrator died), so no child outlives it.
 */
export function serveIpc<TCommands extends CommandMap<TCommands>>(handlers: Handlers<TCommands>): void {
  if (!process.send)
    throw new Error('@tidings/bench: this script runs as a child of src/main.ts (no IPC channel)');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw: ParentMessage) => {
    const handler = handlers[raw.cmd as keyof TCommands] as ((args: unknown) => unknown) | undefined;
    if (raw.kind === 'note') {
      handler?.(raw.args);
      return;
    }
    const { id } = raw;
    if (!handler) {
      send({ kind: 'res', id, ok: false, error: `unknown command "${raw.cmd}"` });
      return;
    }
    Promise.resolve()
      .then(() => handler(raw.args))
      .then(
        (value) => send({ kind: 'res', id, ok: true, value: value ?? null }),
        (error: unknown) =>
          send({
            kind: 'res',
            id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
}
