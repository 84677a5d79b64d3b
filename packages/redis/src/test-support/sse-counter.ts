import { request } from 'node:http';
import { changes, within } from '@tidings/test-kit/wait';

/**
 * A lean SSE reader for load tests (node:http, no EventSource): checks that the `n` of each
 * `data: {"n":…}` line is exactly the next expected one, so a lost, repeated or reordered event
 * fails at once, and remembers the last id.
 */
export interface SseCounter extends AsyncDisposable {
  /** Events received, all in sequence. */
  readonly count: number;
  readonly lastId: string | undefined;
  /** The first anomaly seen (out of sequence, unexpected line, stream ended), if any. */
  readonly problem: string | undefined;
}

export interface SseCounterGroup extends AsyncDisposable {
  readonly counters: readonly SseCounter[];
  /** Resolves once every counter has `count` events; rejects on the first problem or after `timeoutMs`. */
  until(count: (index: number) => number, timeoutMs: number): Promise<void>;
}

const DATA_N = 'data: {"n":';

/**
 * Opens `urls.length` streams, `batch` at a time (a connect storm past the listen backlog costs
 * SYN retransmits); resolves once every response head arrived, so each stream is live.
 */
export async function openCounters(
  urls: readonly string[],
  timeoutMs: number,
  batch = 100,
): Promise<SseCounterGroup> {
  const counters: (SseCounter & { close(): void })[] = [];
  const changed = changes();
  const open = (url: string) =>
    new Promise<void>((resolve, reject) => {
      let count = 0;
      let lastId: string | undefined;
      let problem: string | undefined;
      let rest = '';
      const fail = (message: string): void => {
        problem ??= message;
        changed.notify();
      };
      const req = request(url, { agent: false, headers: { accept: 'text/event-stream' } });
      const counter = {
        get count() {
          return count;
        },
        get lastId() {
          return lastId;
        },
        get problem() {
          return problem;
        },
        close: () => {
          req.destroy();
        },
        [Symbol.asyncDispose]: async () => {
          req.destroy();
        },
      };
      counters.push(counter);
      req.on('error', (error) => {
        reject(error);
        fail(`${url}: ${error.message}`);
      });
      req.on('response', (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url}: status ${res.statusCode}`));
        resolve();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const text = rest + chunk;
          const complete = text.lastIndexOf('\n') + 1;
          for (let at = text.indexOf(DATA_N); at >= 0 && at < complete; at = text.indexOf(DATA_N, at + 1)) {
            let i = at + DATA_N.length;
            let n = 0;
            for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i))
              n = n * 10 + c - 48;
            if (n !== count) fail(`${url}: expected n=${count}, got n=${n}`);
            count++;
          }
          const idAt = text.lastIndexOf('id: ', complete);
          if (idAt >= 0 && (idAt === 0 || text.charCodeAt(idAt - 1) === 10)) {
            lastId = text.slice(idAt + 4, text.indexOf('\n', idAt));
          }
          rest = text.slice(complete);
          changed.notify();
        });
        res.on('close', () => fail(`${url}: the stream ended after ${count} events`));
      });
      req.end();
    });
  const openAll = async () => {
    for (let i = 0; i < urls.length; i += batch) await Promise.all(urls.slice(i, i + batch).map(open));
  };
  try {
    await within(openAll(), timeoutMs, () => `${urls.length} streams to open (${counters.length} started)`);
  } catch (error) {
    for (const counter of counters) counter.close();
    throw error;
  }
  return {
    counters,
    until(count, waitMs) {
      let done = 0;
      return changed.until(
        () => {
          for (; done < counters.length; done++) {
            const counter = counters[done]!;
            if (counter.problem !== undefined) throw new Error(counter.problem);
            if (counter.count < count(done)) return false;
          }
          return true;
        },
        () => {
          const behind = counters.filter((counter, i) => counter.count < count(i)).length;
          return `every stream's events (${behind} of ${counters.length} still behind)`;
        },
        waitMs,
      );
    },
    async [Symbol.asyncDispose]() {
      for (const counter of counters) counter.close();
    },
  };
}
