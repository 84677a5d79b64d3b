// `pnpm --filter @acme/market-react start`: the React example on PORT (default 3001) and HOST.
import { startReactExample } from './server.ts';

const server = await startReactExample({
  port: Number(process.env['PORT'] ?? 3001),
  host: process.env['HOST'] ?? '127.0.0.1',
});
console.log(`React market example on ${server.url} (Ctrl-C stops it)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close());
}
