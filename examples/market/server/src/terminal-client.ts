/**
 * `pnpm demo:client`: prints the market's typed events as they arrive.
 *   --url <http://127.0.0.1:3000>  the demo server (or MARKET_URL)
 *   --symbols ACME,NOVA            symbols to follow
 *   --book                         also print the top of each order book
 *   --limit <n>                    exit 0 after n events (non-zero on any error or after --timeout)
 *   --timeout <ms>                 with --limit, give up after this long (default 15000)
 */
import { parseArgs } from 'node:util';
import { market } from '@acme/market-contract';
import { createClient } from '@tidings/client';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env['MARKET_URL'] ?? 'http://127.0.0.1:3000' },
    symbols: { type: 'string', default: 'ACME,NOVA' },
    book: { type: 'boolean', default: false },
    limit: { type: 'string' },
    timeout: { type: 'string', default: '15000' },
  },
});

const color = process.stdout.isTTY && !process.env['NO_COLOR'];
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const [green, red, yellow, cyan, dim] = [paint(32), paint(31), paint(33), paint(36), paint(2)];
const money = (n: number) => n.toFixed(2).padStart(9);
const time = (iso: string) => dim(iso.slice(11, 23));
const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
const symbols = values.symbols
  .split(',')
  .map((s) => s.trim().toUpperCase())
  .filter(Boolean);

// `validate: true` checks every payload against the contract: a bad one is an `error` event, never typed data.
const client = createClient(market, { baseUrl: new URL('/streams', values.url).href, validate: true });
let received = 0;

function finish(code: number, message?: string): never {
  if (message) console.error(message);
  client.close();
  process.exit(code);
}

function print(line: string): void {
  console.log(line);
  received++;
  if (received >= limit) finish(0);
}

function fail(where: string, error: Error, fatal: boolean): void {
  if (fatal || Number.isFinite(limit)) finish(1, red(`${where}: ${error.message}`));
  console.error(yellow(`${where}: ${error.message} (reconnecting)`));
}

for (const symbol of symbols) {
  const ticker = client.ticker.subscribe({ symbol });
  ticker.addEventListener('quote', ({ data: q }) => {
    const change = q.change >= 0 ? green(`+${q.changePct.toFixed(2)}%`) : red(`${q.changePct.toFixed(2)}%`);
    print(
      `${time(q.at)}  ${cyan(symbol.padEnd(5))}  quote   ${money(q.price)}  ${change}  bid ${q.bid.toFixed(2)} ask ${q.ask.toFixed(2)}`,
    );
  });
  ticker.addEventListener('trade', ({ data: t }) => {
    const side = t.side === 'buy' ? green('buy ') : red('sell');
    print(`${time(t.at)}  ${cyan(symbol.padEnd(5))}  trade   ${money(t.price)}  ${side} ${t.size}`);
  });
  ticker.addEventListener('halted', ({ data }) =>
    print(`${time(data.at)}  ${cyan(symbol.padEnd(5))}  ${yellow(`HALTED  ${data.reason}`)}`),
  );
  ticker.addEventListener('resumed', ({ data }) =>
    print(`${time(data.at)}  ${cyan(symbol.padEnd(5))}  ${green('resumed')} ${money(data.price)}`),
  );
  ticker.addEventListener('gap', (e) =>
    console.error(yellow(`${symbol}: missed events after ${e.lastEventId}`)),
  );
  ticker.addEventListener('error', (e) => fail(`ticker ${symbol}`, e.error, e.fatal));
  if (values.book) {
    const book = client.book.subscribe({ symbol });
    book.addEventListener('depth', ({ data }) => {
      const [bid, ask] = [data.bids[0], data.asks[0]];
      if (bid && ask)
        print(
          `${time(data.at)}  ${cyan(symbol.padEnd(5))}  book    ${money(bid.price)} × ${bid.size}  |  ${ask.price.toFixed(2)} × ${ask.size}`,
        );
    });
    book.addEventListener('error', (e) => fail(`book ${symbol}`, e.error, e.fatal));
  }
}

const news = client.announcements.subscribe();
news.addEventListener('notice', ({ data: n }) => {
  const tag = n.severity === 'info' ? dim('notice ') : yellow(n.severity.padEnd(7));
  print(`${time(n.at)}  ${dim('—'.padEnd(5))}  ${tag} ${n.text}`);
});
news.addEventListener('error', (e) => fail('announcements', e.error, e.fatal));

if (Number.isFinite(limit)) {
  setTimeout(
    () => finish(1, red(`received ${received} of ${limit} events in ${values.timeout} ms`)),
    Number(values.timeout),
  ).unref();
} else {
  console.error(dim(`Following ${symbols.join(', ')} and announcements on ${values.url} (Ctrl-C to stop)`));
}
process.on('SIGINT', () => finish(0));
