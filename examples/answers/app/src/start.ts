// `pnpm --filter @acme/answers start`: the answers example on PORT (default 3002) and HOST.
import { startAnswersExample } from './server.ts';

const server = await startAnswersExample({
  port: Number(process.env['PORT'] ?? 3002),
  host: process.env['HOST'] ?? '127.0.0.1',
});
console.log(`Answers example on ${server.url} (Ctrl-C stops it)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close());
}
